// Pure: where one annexed key goes from this clone, along the planner's minimum-cost arborescence
// rooted at the node the change came from (git-annex doc/design/assistant/syncing: "find paths
// through the network that reach all nodes eventually, with the least cost", not its flood fill).
// Holding the content, a node copies it to its children in that tree, cheapest first. Lacking
// it, a node whose parent is passive (a bare or cloud repository: nobody there can push) gets it
// from that parent; an agent parent will send it, so there is nothing to do but wait.
import { graphFromAdverts, minCostArborescence, planTransfers } from "@herald/planner";
import type { NetworkMapAdvert } from "@herald/protocol";
import { remoteCost, remoteNode, type PlannedRemote } from "../sync/plan-targets.js";

export interface ContentStep {
  /** "to": `git annex copy --to`; "from": `git annex get --from` */
  direction: "to" | "from";
  remote: string;
  cost: number;
}

export function contentSteps(adverts: NetworkMapAdvert[], self: string, origin: string, remotes: PlannedRemote[], present: boolean): ContentStep[] {
  const graph = graphFromAdverts(adverts);
  const step = (direction: "to" | "from") => (r: PlannedRemote): ContentStep => ({ direction, remote: r.name, cost: remoteCost(r) });
  const byCost = [...remotes].sort((a, b) => remoteCost(a) - remoteCost(b));
  if (!graph.nodes.includes(self)) return present ? byCost.map(step("to")) : [];
  const root = graph.nodes.includes(origin) ? origin : self;
  const plan = minCostArborescence({ nodes: graph.nodes, edges: graph.edges, root });
  // Off the plan (the map does not reach us from the origin yet): send to every remote, as the
  // push side does (plan-targets.ts); git-annex skips a remote its location log says has it.
  if (present && self !== root && plan.parent[self] === undefined) return byCost.map(step("to"));
  if (present) {
    // The planner's sends for this node: its children in the tree, cheapest edge first.
    const planned = planTransfers(plan, graph, self).flatMap((t) => remotes.filter((r) => remoteNode(r) === t.to).map((r): ContentStep => ({ direction: "to", remote: r.name, cost: t.cost })));
    const unplanned = byCost.filter((r) => !graph.nodes.includes(remoteNode(r))).map(step("to"));
    return [...planned, ...unplanned];
  }
  const parent = plan.parent[self];
  if (parent === undefined) return [];
  const passive = adverts.some((a) => a.node === parent && a.passive === true);
  return passive ? remotes.filter((r) => remoteNode(r) === parent).slice(0, 1).map(step("from")) : [];
}
