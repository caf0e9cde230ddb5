// The planner's view of the network, built from the map adverts nodes publish ("I can push to
// X at cost C, and X is online"), plus small queries on a planned tree.
import {
  cheapestEdgeCosts,
  compareIds,
  isValidCost,
  type ArborescenceResult,
  type NetworkGraph,
  type PlanGraph,
} from "./plan-graph.js";

export interface LinkAdvert {
  to: string;
  cost: number;
  online: boolean;
}

export interface NodeAdvert {
  node: string;
  edges: LinkAdvert[];
}

export interface GraphFromAdvertsOptions {
  /** Keep links advertised as offline (e.g. to draw the whole map). Default false. */
  includeOffline?: boolean;
}

export interface AdvertGraph extends NetworkGraph {
  /** Links left out because their cost was unusable; one bad advert must not stop planning. */
  rejected: Array<{ from: string; to: string; reason: string }>;
}

/**
 * Nodes are the advertisers plus every link target, so passive nodes that never advertise (a
 * bare repository on a server) still appear. Offline links are dropped (unless asked), as are
 * self loops; of parallel links the cheapest is kept. Output is sorted, so it does not depend
 * on the order adverts arrived in.
 */
export function graphFromAdverts(adverts: NodeAdvert[], opts: GraphFromAdvertsOptions = {}): AdvertGraph {
  const nodes = new Set<string>();
  const edges: PlanGraph["edges"] = [];
  const rejected: AdvertGraph["rejected"] = [];
  for (const advert of adverts) {
    nodes.add(advert.node);
    for (const link of advert.edges) {
      nodes.add(link.to);
      if (!isValidCost(link.cost)) {
        rejected.push({ from: advert.node, to: link.to, reason: "cost must be a finite number >= 0" });
      } else if ((link.online || opts.includeOffline) && link.to !== advert.node) {
        edges.push([advert.node, link.to, link.cost]);
      }
    }
  }
  const cheapest: PlanGraph["edges"] = [];
  for (const [from, out] of cheapestEdgeCosts(edges)) for (const [to, cost] of out) cheapest.push([from, to, cost]);
  cheapest.sort((a, b) => compareIds(a[0], b[0]) || compareIds(a[1], b[1]));
  return { nodes: [...nodes].sort(compareIds), edges: cheapest, rejected };
}

/** Each node's children in the tree, cheapest edge first (ties by id). */
export function childrenIndex(
  result: Pick<ArborescenceResult, "parent">,
  graph: Pick<NetworkGraph, "edges">,
): Map<string, Array<{ node: string; cost: number }>> {
  const costs = cheapestEdgeCosts(graph.edges);
  const index = new Map<string, Array<{ node: string; cost: number }>>();
  for (const [child, parent] of Object.entries(result.parent)) {
    const cost = costs.get(parent)?.get(child);
    if (cost === undefined) throw new Error(`tree edge ${parent} -> ${child} is not in the graph`);
    const list = index.get(parent);
    if (list) list.push({ node: child, cost });
    else index.set(parent, [{ node: child, cost }]);
  }
  for (const list of index.values()) list.sort((a, b) => a.cost - b.cost || compareIds(a.node, b.node));
  return index;
}

/** The nodes `node` sends to in the tree, cheapest edge first (ties by id). */
export function childrenOf(
  result: Pick<ArborescenceResult, "parent">,
  node: string,
  graph: Pick<NetworkGraph, "edges">,
): string[] {
  const direct = { parent: Object.fromEntries(Object.entries(result.parent).filter(([, p]) => p === node)) };
  return (childrenIndex(direct, graph).get(node) ?? []).map((c) => c.node);
}

/**
 * The route data takes to `node`: `[root, ..., node]`. A node without a parent is the root
 * (`[node]`), unless the result lists it as unreachable (`null`).
 */
export function pathTo(result: ArborescenceResult, node: string): string[] | null {
  if (result.unreachable.includes(node)) return null;
  // Object.hasOwn: a parent map parsed from JSON has a prototype, and "toString" is a valid id.
  const parentOf = (x: string) => (Object.hasOwn(result.parent, x) ? result.parent[x] : undefined);
  const path = [node];
  const limit = Object.keys(result.parent).length;
  for (let x = parentOf(node); x !== undefined; x = parentOf(x)) {
    if (path.length > limit) throw new Error(`parent map has a cycle through ${node}`);
    path.push(x);
  }
  return path.reverse();
}
