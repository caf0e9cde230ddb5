// The shapes every planner module shares: the graph `herald plan` reads, the tree it prints,
// and the one error type for a graph that cannot be planned.

/** A directed, weighted graph: `[from, to, cost]` means "from can send to `to` at this cost". */
export interface PlanGraph {
  nodes: string[];
  edges: Array<[from: string, to: string, cost: number]>;
  root: string;
}

/** A graph without a chosen root, e.g. the network map built from adverts. */
export type NetworkGraph = Omit<PlanGraph, "root">;

/**
 * A minimum-cost arborescence: `parent[node]` is the node it receives from (the root has no
 * entry). This is exactly the JSON `herald plan --format json` prints (see interfaces.md).
 */
export interface ArborescenceResult {
  parent: Record<string, string>;
  cost: number;
  unreachable: string[];
}

/**
 * A graph or `herald plan` input that cannot be planned. `code` is stable (the CLI maps it to
 * exit code 2); `path` names the offending part, e.g. `edges[3][2]`, or "" for the whole input.
 */
export class PlanInputError extends Error {
  readonly code = "BAD_PLAN_INPUT";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = "PlanInputError";
  }
}

/** Costs are finite and >= 0; zero and fractions are allowed. */
export function isValidCost(cost: unknown): cost is number {
  return typeof cost === "number" && Number.isFinite(cost) && cost >= 0;
}

/** A record safe for any key, including "__proto__" (node ids come from the network). */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * The cheapest cost of each directed pair, ignoring self loops: `costs.get(from)?.get(to)`.
 * Parallel edges collapse to the cheapest, as the planner itself does.
 */
export function cheapestEdgeCosts(edges: PlanGraph["edges"]): Map<string, Map<string, number>> {
  const costs = new Map<string, Map<string, number>>();
  for (const [from, to, cost] of edges) {
    if (from === to) continue;
    let out = costs.get(from);
    if (!out) costs.set(from, (out = new Map()));
    const old = out.get(to);
    if (old === undefined || cost < old) out.set(to, cost);
  }
  return costs;
}

/** Deterministic id order used everywhere output is sorted (code-unit order, not locale). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
