import { describe, expect, test } from "@jest/globals";
import { indexGraph } from "./graph-index.js";

describe("indexGraph", () => {
  test("numbers nodes in sorted order and keeps one usable edge per pair, sorted by (from, to)", () => {
    const g = indexGraph({
      nodes: ["c", "a", "b", "a", "x"],
      edges: [["b", "c", 4], ["a", "c", 2], ["a", "b", 5], ["a", "b", 1], ["b", "b", 0], ["c", "a", 1], ["x", "a", 0], ["a", "b", 3]],
      root: "a",
    });
    expect(g.ids).toEqual(["a", "b", "c", "x"]);
    expect(g.root).toBe(0);
    expect([...g.reachable]).toEqual([1, 1, 1, 0]);
    // Dropped: the self loop b->b, c->a (into the root), x->a (from an unreachable node).
    const edges = [...g.from].map((f, i) => [g.ids[f], g.ids[g.to[i]!], g.cost[i]]);
    expect(edges).toEqual([["a", "b", 1], ["a", "c", 2], ["b", "c", 4]]);
  });
});
