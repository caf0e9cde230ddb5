// Pure: the network map as the dashboard draws it: every node, every link (offline ones too,
// drawn dashed) with its cost, and the links of the tree planned from this node highlighted.
import { graphFromAdverts, minCostArborescence, type NodeAdvert } from "@herald/planner";

export interface MapLink { from: string; to: string; cost: number; online: boolean; tree: boolean }
export interface MapView { self: string; nodes: string[]; links: MapLink[]; cost: number; unreachable: string[] }

export function mapView(self: string, adverts: NodeAdvert[]): MapView {
  const all = graphFromAdverts(adverts, { includeOffline: true });
  const online = graphFromAdverts(adverts);
  const nodes = all.nodes.includes(self) ? all.nodes : [...all.nodes, self].sort();
  const plan = minCostArborescence({ nodes, edges: online.edges, root: self });
  const up = new Set(online.edges.map(([f, t]) => `${f}\0${t}`));
  const links = all.edges.map(([from, to, cost]) => {
    const isOnline = up.has(`${from}\0${to}`);
    return { from, to, cost, online: isOnline, tree: isOnline && Object.hasOwn(plan.parent, to) && plan.parent[to] === from };
  });
  return { self, nodes, links, cost: plan.cost, unreachable: plan.unreachable };
}
