// `npm run bench`: times minCostArborescence on seeded random graphs. The one module in this
// package that reads a clock (performance.now); nothing else imports it, and index.ts does not
// export it, so the planner's public API stays clock-free. Graph generation is not timed;
// validation and indexing of the string-keyed input are, since every caller pays for them.
import { minCostArborescence } from "./min-cost-arborescence.js";
import { randomGraph } from "./random-graph.js";

export interface BenchRow {
  nodes: number;
  edges: number;
  /** wall clock, median of the runs */
  ms: number;
  /** wall clock, the fastest run: other work on a shared machine only ever adds to a run */
  bestMs: number;
  /** this process's CPU time (user + system) in the fastest run by that measure */
  cpuMs: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function benchPlanner(sizes: number[] = [1000, 10000, 100000], edgesPerNode = 10, seed = 1, runs = 3): BenchRow[] {
  minCostArborescence(randomGraph({ nodes: 1000, edgesPerNode, seed: seed + 1 })); // warm up the JIT
  return sizes.map((nodes) => {
    const graph = randomGraph({ nodes, edgesPerNode, seed });
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      minCostArborescence(graph);
      const c = process.cpuUsage(c0);
      wall.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    wall.sort((a, b) => a - b);
    return { nodes, edges: graph.edges.length, ms: round1(wall[Math.floor(wall.length / 2)]!), bestMs: round1(wall[0]!), cpuMs: round1(Math.min(...cpu)) };
  });
}
