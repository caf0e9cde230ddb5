import { describe, expect, test } from "@jest/globals";
import { minCostArborescence } from "./min-cost-arborescence.js";
import { childrenOf, graphFromAdverts, pathTo } from "./network-graph.js";

describe("graphFromAdverts", () => {
  const adverts = [
    { node: "laptop", edges: [{ to: "server", cost: 200, online: true }, { to: "usb", cost: 175, online: false }] },
    { node: "desktop", edges: [{ to: "server", cost: 200, online: true }, { to: "laptop", cost: 300, online: true }] },
    { node: "laptop", edges: [{ to: "desktop", cost: 200, online: true }, { to: "server", cost: 150, online: true }, { to: "laptop", cost: 0, online: true }] },
  ];

  test("includes passive targets, drops offline links and self loops, keeps the cheapest parallel link", () => {
    expect(graphFromAdverts(adverts)).toEqual({
      nodes: ["desktop", "laptop", "server", "usb"],
      edges: [
        ["desktop", "laptop", 300],
        ["desktop", "server", 200],
        ["laptop", "desktop", 200],
        ["laptop", "server", 150],
      ],
      rejected: [],
    });
  });

  test("includeOffline keeps offline links", () => {
    expect(graphFromAdverts(adverts, { includeOffline: true }).edges).toContainEqual(["laptop", "usb", 175]);
  });

  test("does not depend on advert order", () => {
    expect(graphFromAdverts([...adverts].reverse())).toEqual(graphFromAdverts(adverts));
  });

  test("links with unusable costs are rejected and reported, the rest still plans", () => {
    const g = graphFromAdverts([
      { node: "a", edges: [{ to: "b", cost: -5, online: true }, { to: "c", cost: NaN, online: true }, { to: "c", cost: 3, online: true }] },
    ]);
    expect(g.edges).toEqual([["a", "c", 3]]);
    expect(g.nodes).toEqual(["a", "b", "c"]);
    expect(g.rejected.map((r) => `${r.from}->${r.to}`)).toEqual(["a->b", "a->c"]);
  });
});

describe("childrenOf and pathTo", () => {
  const graph = {
    nodes: ["hub", "a", "b", "c", "d", "lost"],
    edges: [["hub", "a", 5], ["hub", "b", 1], ["hub", "c", 5], ["c", "d", 2], ["hub", "d", 9], ["lost", "hub", 1]] as Array<[string, string, number]>,
    root: "hub",
  };
  const tree = minCostArborescence(graph);

  test("children come cheapest first, ties by id", () => {
    expect(childrenOf(tree, "hub", graph)).toEqual(["b", "a", "c"]);
    expect(childrenOf(tree, "c", graph)).toEqual(["d"]);
    expect(childrenOf(tree, "d", graph)).toEqual([]);
  });

  test("children use the cheapest of parallel edges", () => {
    const g = { nodes: ["r", "x", "y"], edges: [["r", "x", 9], ["r", "y", 5], ["r", "x", 1]] as Array<[string, string, number]>, root: "r" };
    expect(childrenOf(minCostArborescence(g), "r", g)).toEqual(["x", "y"]);
  });

  test("pathTo walks from the root; unreachable nodes have none", () => {
    expect(pathTo(tree, "d")).toEqual(["hub", "c", "d"]);
    expect(pathTo(tree, "hub")).toEqual(["hub"]);
    expect(pathTo(tree, "lost")).toBeNull();
  });

  test("pathTo ignores inherited keys and refuses a cyclic parent map", () => {
    const parsed = JSON.parse('{"parent":{"x":"toString"},"cost":1,"unreachable":[]}');
    expect(pathTo(parsed, "x")).toEqual(["toString", "x"]);
    expect(() => pathTo({ parent: { a: "b", b: "a" }, cost: 0, unreachable: [] }, "a")).toThrow(/cycle/);
  });
});
