// Turns a PlanGraph (string ids, edges in any order) into the numbered, canonical form the
// optimum-branching algorithm runs on. Canonical means the result depends only on the graph,
// never on the order nodes or edges were listed:
//   - nodes are numbered in sorted id order (duplicates in `nodes` collapse);
//   - edges are sorted by (from, to) with two stable counting sorts, O(V + E);
//   - of parallel edges only the cheapest is kept; self loops, edges into the root and edges
//     leaving nodes the root cannot reach are dropped (no arborescence can use them).
import { compareIds, isValidCost, PlanInputError, type PlanGraph } from "./plan-graph.js";

export interface IndexedGraph {
  ids: string[]; // sorted unique node ids; a node's number is its index here
  root: number;
  reachable: Uint8Array; // 1 when the root reaches the node (the root included)
  from: Int32Array; // usable edges, sorted by (from, to), one per pair
  to: Int32Array;
  cost: Float64Array;
}

export function indexGraph(graph: PlanGraph): IndexedGraph {
  const ids = [...new Set(graph.nodes)].sort(compareIds);
  const number = new Map<string, number>();
  ids.forEach((id, i) => number.set(id, i));
  const root = number.get(graph.root);
  if (root === undefined) throw new PlanInputError("root", `unknown node ${JSON.stringify(graph.root)}`);

  const edges = graph.edges;
  const m = edges.length;
  const rawFrom = new Int32Array(m);
  const rawTo = new Int32Array(m);
  const rawCost = new Float64Array(m);
  // A plain indexed loop: at a million edges, a callback and a destructured array per edge cost
  // more than the lookups themselves.
  for (let i = 0; i < m; i++) {
    const edge = edges[i]!;
    const f = number.get(edge[0]);
    const t = number.get(edge[1]);
    const cost = edge[2];
    if (f === undefined) lookup(number, edge[0], `edges[${i}][0]`);
    if (t === undefined) lookup(number, edge[1], `edges[${i}][1]`);
    if (!isValidCost(cost)) throw new PlanInputError(`edges[${i}][2]`, "cost must be a finite number >= 0");
    rawFrom[i] = f!;
    rawTo[i] = t!;
    rawCost[i] = cost;
  }

  const n = ids.length;
  const byTo = countingSort(rawTo, n, null, m).order;
  const { order, start } = countingSort(rawFrom, n, byTo, m); // stable: now sorted by (from, to)
  const reachable = reach(n, root, start, order, rawTo);

  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const cost = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const e = order[i]!;
    const f = rawFrom[e]!;
    const t = rawTo[e]!;
    if (f === t || t === root || !reachable[f]) continue;
    if (k > 0 && from[k - 1] === f && to[k - 1] === t) {
      if (rawCost[e]! < cost[k - 1]!) cost[k - 1] = rawCost[e]!; // parallel edge: cheapest wins
      continue;
    }
    from[k] = f;
    to[k] = t;
    cost[k++] = rawCost[e]!;
  }
  return { ids, root, reachable, from: from.subarray(0, k), to: to.subarray(0, k), cost: cost.subarray(0, k) };
}

function lookup(number: Map<string, number>, id: string, path: string): number {
  const i = number.get(id);
  if (i === undefined) throw new PlanInputError(path, `unknown node ${JSON.stringify(id)}`);
  return i;
}

/**
 * Stable counting sort by `keys[item]` in 0..n-1 of the items `input` lists in order (null: the
 * items 0..m-1, which spares an identity array). Indexed loops: typed-array iterators cost more.
 */
function countingSort(keys: Int32Array, n: number, input: Int32Array | null, m: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(n + 1); // items with key k end up in order[start[k] .. start[k+1])
  for (let i = 0; i < m; i++) start[keys[i]! + 1]!++; // every item once, in any order
  for (let k = 0; k < n; k++) start[k + 1]! += start[k]!;
  const next = start.slice();
  const order = new Int32Array(m);
  if (input === null) for (let i = 0; i < m; i++) order[next[keys[i]!]!++] = i;
  else for (let i = 0; i < m; i++) { const item = input[i]!; order[next[keys[item]!]!++] = item; }
  return { order, start };
}

/** Breadth-first search over the (from-sorted) edges; an explicit queue, no recursion. */
function reach(n: number, root: number, start: Int32Array, order: Int32Array, to: Int32Array): Uint8Array {
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  seen[root] = 1;
  queue[tail++] = root;
  while (head < tail) {
    const u = queue[head++]!;
    for (let j = start[u]!; j < start[u + 1]!; j++) {
      const v = to[order[j]!]!;
      if (!seen[v]) {
        seen[v] = 1;
        queue[tail++] = v;
      }
    }
  }
  return seen;
}
