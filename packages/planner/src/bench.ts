// `npm run bench`: times minCostArborescence on seeded random graphs. The one module in this
// package that reads a clock (performance.now); nothing else imports it, and index.ts does not
// export it, so the planner's public API stays clock-free. Graph generation is not timed;
// validation and indexing of the string-keyed input are, since every caller pays for them.
import { minCostArborescence } from "./min-cost-arborescence.js";
import { randomGraph } from "./random-graph.js";

export interface BenchRow {
  nodes: number;
  edges: number;
  /** wall clock */
  ms: number;
  /** this process's CPU time (user + system) meanwhile: what other work on a shared machine
   * inflates the wall clock by does not count here */
  cpuMs: number;
}

export function benchPlanner(sizes: number[] = [1000, 10000, 100000], edgesPerNode = 10, seed = 1): BenchRow[] {
  minCostArborescence(randomGraph({ nodes: 1000, edgesPerNode, seed: seed + 1 })); // warm up the JIT
  return sizes.map((nodes) => {
    const graph = randomGraph({ nodes, edgesPerNode, seed });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    minCostArborescence(graph);
    const c = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    return { nodes, edges: graph.edges.length, ms: Math.round(ms * 10) / 10, cpuMs: Math.round((c.user + c.system) / 100) / 10 };
  });
}
