// Minimum-cost spanning arborescence ("optimum branching") in O(E log V).
//
// Algorithm: Tarjan, "Finding optimum branchings", Networks 7 (1977), with the mergeable-heap
// refinement of Gabow, Galil, Spencer & Tarjan, "Efficient algorithms for finding minimum
// spanning trees in undirected and directed graphs", Combinatorica 6 (1986). Chu–Liu/Edmonds
// in its efficient form:
//   1. Every component (at first: every node) keeps a heap of the edges entering it, keyed by
//      reduced cost. Walk from a node: pop its cheapest entering edge, subtract that edge's
//      cost from the rest of its heap (lazily, O(1)), and step to the edge's tail.
//   2. If the walk returns to a component already on the current path, the chosen edges form
//      a cycle: union its members, meld their heaps, and continue the walk from the new
//      component. Edges whose both ends are now inside one component are discarded on pop.
//   3. The walk ends at the root or at a component finished by an earlier walk.
//   4. Expansion: undo the unions newest-first. A contracted cycle keeps all of its own edges
//      except the one into the member that the cycle's entering edge reaches, which that
//      entering edge replaces. What remains is the parent of every node.
// The reconstruction of step 4 follows the rollback formulation used in KACTL's DirectedMST.
//
// Ties: nodes are numbered in sorted id order and edges in (from, to) order (graph-index.ts);
// walks start from nodes in that order, and among equal reduced costs the heap prefers the
// lower-numbered edge, i.e. the lexicographically smaller from-node (then to-node). So when a
// node's cheapest entering edges tie and no cycle is involved, its parent is the smallest id,
// and the output never depends on input order. The reported `cost` is the sum of the original
// costs of the chosen edges (not of reduced costs), so fractional costs don't drift.
import { indexGraph, type IndexedGraph } from "./graph-index.js";
import { emptyRecord, type ArborescenceResult, type PlanGraph } from "./plan-graph.js";
import { SkewHeapPool } from "./skew-heap.js";
import { RollbackUnionFind } from "./union-find.js";

/**
 * The cheapest tree through which `root` reaches every node it can reach; `parent[to] = from`.
 * Nodes the root cannot reach are listed, sorted, in `unreachable`. Throws PlanInputError for
 * an unknown root, edges naming unknown nodes, or costs that are negative, NaN or infinite.
 */
export function minCostArborescence(graph: PlanGraph): ArborescenceResult {
  const g = indexGraph(graph);
  const chosen = chooseEntering(g);
  const parent = emptyRecord<string>();
  const unreachable: string[] = [];
  let cost = 0;
  for (let v = 0; v < g.ids.length; v++) {
    if (!g.reachable[v]) unreachable.push(g.ids[v]!);
    else if (v !== g.root) {
      const e = chosen[v]!;
      parent[g.ids[v]!] = g.ids[g.from[e]!]!;
      cost += g.cost[e]!;
    }
  }
  return { parent, cost, unreachable };
}

/** For each reachable non-root node, the index of its chosen entering edge (else -1). */
function chooseEntering(g: IndexedGraph): Int32Array {
  const n = g.ids.length;
  const { from, to, root, reachable } = g;
  const heaps = new SkewHeapPool(from.length);
  const heap = enteringHeaps(g, heaps); // heap[component root] = edges entering it

  const uf = new RollbackUnionFind(n);
  const seen = new Int32Array(n).fill(-1); // walk that reached a component; -1 = not yet
  for (let v = 0; v < n; v++) if (v === root || !reachable[v]) seen[v] = n; // never walked from
  const path = new Int32Array(n); // components on the current walk...
  const pick = new Int32Array(n); // ...and the edge each one picked
  const entering = new Int32Array(n).fill(-1); // by component root: its entering edge
  const cycles: number[] = []; // per contraction: component, union time, start, end (into cycleEdges)
  const cycleEdges: number[] = [];

  for (let s = 0; s < n; s++) {
    let u = s;
    let depth = 0;
    while (seen[u]! < 0) {
      // Pop the cheapest edge entering u from outside u. One must exist: u is reachable.
      let e = -1;
      let reduced = 0;
      while (e < 0) {
        const h = heap[u]!;
        if (h < 0) throw new Error(`internal: component of node ${u} has no entering edge`);
        reduced = heaps.minKey(h);
        heap[u] = heaps.pop(h);
        if (uf.find(from[h]!) !== u) e = h;
      }
      heaps.addAll(heap[u]!, -reduced); // costs into u are now relative to the edge picked
      path[depth] = u;
      pick[depth++] = e;
      seen[u] = s;
      u = uf.find(from[e]!);
      if (seen[u] === s) {
        // The picks from u's position to the end of the path form a cycle: contract it.
        const end = depth;
        const time = uf.time();
        let melded = -1;
        let w: number;
        do {
          w = path[--depth]!;
          melded = heaps.merge(melded, heap[w]!);
        } while (uf.union(u, w));
        cycles.push(uf.find(u), time, cycleEdges.length, cycleEdges.length + end - depth);
        for (let i = depth; i < end; i++) cycleEdges.push(pick[i]!);
        u = uf.find(u);
        heap[u] = melded;
        seen[u] = -1;
      }
    }
    for (let i = 0; i < depth; i++) entering[uf.find(to[pick[i]!]!)] = pick[i]!;
  }

  // Expansion, newest contraction first (so every later union is already undone).
  for (let c = cycles.length - 4; c >= 0; c -= 4) {
    const enter = entering[cycles[c]!]!;
    uf.rollback(cycles[c + 1]!);
    for (let i = cycles[c + 2]!; i < cycles[c + 3]!; i++) entering[uf.find(to[cycleEdges[i]!]!)] = cycleEdges[i]!;
    entering[uf.find(to[enter]!)] = enter;
  }
  return entering;
}

/** Per node, a heap of the edges entering it: grouped by head (counting sort), each group sorted
 * by (cost, edge number), the heap's own order, and chained. */
function enteringHeaps(g: IndexedGraph, heaps: SkewHeapPool): Int32Array {
  const n = g.ids.length;
  const { to, cost } = g;
  const m = to.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[to[e]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const next = start.slice(0, n);
  const into = new Int32Array(m); // edge numbers grouped by head, ascending within a group
  for (let e = 0; e < m; e++) into[next[to[e]!]!++] = e;
  const byCost = (a: number, b: number) => cost[a]! - cost[b]! || a - b;
  const heap = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    const a = start[v]!;
    const b = start[v + 1]!;
    if (b - a > 16) into.subarray(a, b).sort(byCost);
    else {
      for (let i = a + 1; i < b; i++) { // insertion sort: groups are mostly small
        const e = into[i]!;
        const c = cost[e]!;
        let j = i - 1;
        // Within a group edge numbers ascend, so (cost, number) order needs only cost > c to move.
        while (j >= a && cost[into[j]!]! > c) into[j + 1] = into[j--]!;
        into[j + 1] = e;
      }
    }
    heap[v] = heaps.chain(into, a, b, cost);
  }
  return heap;
}
