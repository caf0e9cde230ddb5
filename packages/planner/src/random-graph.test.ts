import { describe, expect, test } from "@jest/globals";
import { minCostArborescence } from "./min-cost-arborescence.js";
import { randomGraph, seededRandom } from "./random-graph.js";

describe("randomGraph", () => {
  test("is a pure function of its options", () => {
    expect(randomGraph({ nodes: 50, edgesPerNode: 3, seed: 9 })).toEqual(randomGraph({ nodes: 50, edgesPerNode: 3, seed: 9 }));
    expect(randomGraph({ nodes: 50, edgesPerNode: 3, seed: 9 })).not.toEqual(randomGraph({ nodes: 50, edgesPerNode: 3, seed: 10 }));
  });

  test("has the requested size, integer costs in range, and nearly everything reachable", () => {
    const g = randomGraph({ nodes: 1000, edgesPerNode: 5, seed: 1, maxCost: 7 });
    expect([g.nodes.length, g.edges.length, g.root]).toEqual([1000, 5000, "n0"]);
    expect(g.edges.every(([, , c]) => Number.isInteger(c) && c >= 0 && c <= 7)).toBe(true);
    expect(minCostArborescence(g).unreachable.length).toBeLessThanOrEqual(20);
  });

  test("seededRandom stays in [0, 1) and is not constant", () => {
    const r = seededRandom(42);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
