// Seeded random graphs for the benchmark and the scale tests. Pure: the same arguments always
// give the same graph (mulberry32 PRNG), so a slow or failing case can be replayed exactly.
import type { PlanGraph } from "./plan-graph.js";

/** mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). Not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomGraphOptions {
  nodes: number;
  edgesPerNode: number;
  seed: number;
  maxCost?: number; // integer costs in 0..maxCost (default 1000); small values give many ties
  reachableShare?: number; // share of nodes that get a guaranteed path from the root (default 0.98)
}

/**
 * Nodes "n0".."n{N-1}", root "n0". A random earlier node links to each of the first
 * `reachableShare` of the nodes, so nearly everything is reachable; the remaining edges are
 * uniform, so cycles (and cycles of contracted cycles) are everywhere.
 */
export function randomGraph(opts: RandomGraphOptions): PlanGraph {
  const { nodes: n, edgesPerNode, seed, maxCost = 1000, reachableShare = 0.98 } = opts;
  const rand = seededRandom(seed);
  const id = (i: number) => `n${i}`;
  const nodes = Array.from({ length: n }, (_, i) => id(i));
  const cost = () => Math.floor(rand() * (maxCost + 1));
  const edges: PlanGraph["edges"] = [];
  const linked = Math.floor(n * reachableShare);
  for (let i = 1; i < linked; i++) edges.push([id(Math.floor(rand() * i)), id(i), cost()]);
  while (edges.length < n * edgesPerNode) {
    edges.push([id(Math.floor(rand() * n)), id(Math.floor(rand() * n)), cost()]);
  }
  return { nodes, edges, root: id(0) };
}
