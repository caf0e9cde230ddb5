// Pure: which remotes to push a change to, following the planner's minimum-cost arborescence
// over the gossiped network map, rooted at the node the change came from. A node pushes only to
// its children in that tree, cheapest first; whatever the map does not cover is pushed to as
// before, and ref watching, relaying and the retry queue still deliver if the map is stale.
import { childrenOf, defaultCost, graphFromAdverts, minCostArborescence, remoteKindOf } from "@herald/planner";
import type { MapEdge, NetworkMapAdvert } from "@herald/protocol";
import { createHash } from "node:crypto";

export interface PlannedRemote { name: string; url: string; node?: string; cost?: number; path?: string }

/** A bare repository has no agent to name itself: every clone derives the same id from its location. */
export function passiveNodeId(location: string): string {
  return `bare-${createHash("sha256").update(location.replace(/\/+$/, "")).digest("hex").slice(0, 12)}`;
}

export function remoteNode(r: PlannedRemote): string {
  return r.node ?? passiveNodeId(r.path ?? r.url);
}

export function remoteCost(r: PlannedRemote): number {
  return r.cost ?? defaultCost(remoteKindOf(r.url));
}

/**
 * Fetching from a passive repository needs an announcement round trip first, so on equal cost
 * a direct push from an agent is the better route: fetch edges cost this much more.
 */
export const FETCH_PENALTY = 1;

/**
 * This agent's adverts: its own push edges, and for each passive remote (no agent) an advert on
 * its behalf saying that commits flow from it to us (we fetch from it when told).
 */
export function ownAdverts(self: string, repo: string, remotes: PlannedRemote[], failing: ReadonlySet<string>, seq: number, time: number): NetworkMapAdvert[] {
  const edges: MapEdge[] = remotes.map((r) => ({ to: remoteNode(r), cost: remoteCost(r), online: !failing.has(r.name) }));
  const unique = [...new Map(edges.map((e) => [e.to, e])).values()].filter((e) => e.to !== self);
  const own: NetworkMapAdvert = { repo, node: self, seq, time, edges: unique };
  const passive = remotes.filter((r) => !r.node).map((r): NetworkMapAdvert => ({
    repo, node: remoteNode(r), seq, time, passive: true, by: self,
    edges: [{ to: self, cost: remoteCost(r) + FETCH_PENALTY, online: !failing.has(r.name) }],
  }));
  return [own, ...passive];
}

/** Remote names to push to now, in the order to start them. */
export function pushTargets(adverts: NetworkMapAdvert[], self: string, origin: string, remotes: PlannedRemote[]): string[] {
  const graph = graphFromAdverts(adverts);
  const everything = [...remotes].sort((a, b) => remoteCost(a) - remoteCost(b)).map((r) => r.name);
  if (!graph.nodes.includes(self)) return everything;
  const root = graph.nodes.includes(origin) ? origin : self;
  const plan = minCostArborescence({ nodes: graph.nodes, edges: graph.edges, root });
  if (self !== root && plan.parent[self] === undefined) return everything; // we are off the plan
  const children = childrenOf(plan, self, graph);
  const byNode = new Map(remotes.map((r) => [remoteNode(r), r.name]));
  const planned = children.flatMap((c) => (byNode.has(c) ? [byNode.get(c)!] : []));
  const unplanned = remotes.filter((r) => !graph.nodes.includes(remoteNode(r))).map((r) => r.name);
  return [...planned, ...unplanned];
}
