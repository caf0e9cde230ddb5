// Which sends a node makes along the planned tree. Pacing them is transfer-scheduler.ts.
import { childrenIndex } from "./network-graph.js";
import type { ArborescenceResult, NetworkGraph } from "./plan-graph.js";

export interface Transfer {
  from: string;
  to: string;
  cost: number;
}

/** The sends `fromNode` must make: its children in the tree, cheapest edge first. */
export function planTransfers(result: ArborescenceResult, graph: Pick<NetworkGraph, "edges">, fromNode: string): Transfer[] {
  return (childrenIndex(result, graph).get(fromNode) ?? []).map(({ node, cost }) => ({ from: fromNode, to: node, cost }));
}
