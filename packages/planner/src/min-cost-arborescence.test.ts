import { describe, expect, test } from "@jest/globals";
import { minCostArborescence } from "./min-cost-arborescence.js";
import { PlanInputError, type PlanGraph } from "./plan-graph.js";

const plan = (nodes: string[], edges: PlanGraph["edges"], root = nodes[0]!) =>
  minCostArborescence({ nodes, edges, root });

describe("minCostArborescence: hand cases", () => {
  test("takes a cheaper two-hop path over an expensive direct edge", () => {
    expect(plan(["r", "a", "b"], [["r", "a", 1], ["r", "b", 5], ["a", "b", 2]])).toEqual({
      parent: { a: "r", b: "a" },
      cost: 3,
      unreachable: [],
    });
  });

  test("contracts a cycle closed by every member's cheapest entering edge, enters where it is cheapest", () => {
    // a->b->c->a cost 1 each; entering at a costs 10-1, at b 12-1, at c 11-1: enter at a.
    const r = plan(["r", "a", "b", "c"], [
      ["a", "b", 1], ["b", "c", 1], ["c", "a", 1], ["r", "a", 10], ["r", "b", 12], ["r", "c", 11],
    ]);
    expect(r.parent).toEqual({ a: "r", b: "a", c: "b" });
    expect(r.cost).toBe(12);
  });

  test("nested cycles: the outer cycle is entered at the plain node, the inner one through an outer-cycle edge", () => {
    // Inner cycle a<->b. c's cheapest parent is b, and the contracted {a,b}'s is c: outer cycle.
    // Entering the outer cycle at c (r->c) is cheapest, so c keeps nothing of the cycle, a is
    // fed by c (the inner cycle's entering edge), and b keeps its pick a->b.
    const edges: PlanGraph["edges"] = [
      ["a", "b", 1], ["b", "a", 1], ["b", "c", 1], ["c", "a", 2], ["r", "a", 30], ["r", "b", 20], ["r", "c", 15],
    ];
    expect(plan(["r", "a", "b", "c"], edges)).toEqual({ parent: { c: "r", a: "c", b: "a" }, cost: 18, unreachable: [] });
    // Make r->a cheap and the outer cycle is entered inside the inner one, at a.
    edges[4] = ["r", "a", 10];
    expect(plan(["r", "a", "b", "c"], edges)).toEqual({ parent: { a: "r", b: "a", c: "b" }, cost: 12, unreachable: [] });
  });

  test("three levels of nesting", () => {
    // {a,b} -> with c -> with d, each level entered via the next; only r->d enters from outside.
    const r = plan(["r", "a", "b", "c", "d"], [
      ["a", "b", 1], ["b", "a", 1], ["a", "c", 1], ["c", "b", 3], ["c", "d", 1], ["d", "a", 5], ["r", "d", 50],
    ]);
    expect(r.parent).toEqual({ d: "r", a: "d", b: "a", c: "a" });
    expect(r.cost).toBe(57);
  });

  test("zero-cost cycles and edges", () => {
    const r = plan(["r", "a", "b"], [["a", "b", 0], ["b", "a", 0], ["r", "b", 0], ["r", "a", 3]]);
    expect(r).toEqual({ parent: { b: "r", a: "b" }, cost: 0, unreachable: [] });
  });

  test("fractional costs", () => {
    const r = plan(["r", "a", "b"], [["r", "a", 0.5], ["a", "b", 0.25], ["r", "b", 0.8]]);
    expect(r.parent).toEqual({ a: "r", b: "a" });
    expect(r.cost).toBe(0.75);
    const s = plan(["r", "a"], [["r", "a", 0.1], ["a", "r", 0.2]]);
    expect(s.cost).toBeCloseTo(0.1, 12);
  });

  test("parallel edges: the cheapest counts; self loops are ignored", () => {
    const r = plan(["r", "a"], [["r", "a", 5], ["a", "a", 0], ["r", "a", 2], ["r", "a", 7], ["r", "r", 0]]);
    expect(r).toEqual({ parent: { a: "r" }, cost: 2, unreachable: [] });
  });

  test("unreachable nodes are listed sorted, and their edges are never used", () => {
    const r = plan(["r", "a", "y", "x"], [["y", "x", 1], ["x", "a", 0], ["r", "a", 4], ["x", "r", 0]]);
    expect(r).toEqual({ parent: { a: "r" }, cost: 4, unreachable: ["x", "y"] });
  });

  test("a lone root, and a root with no edges out", () => {
    expect(plan(["r"], [])).toEqual({ parent: {}, cost: 0, unreachable: [] });
    expect(plan(["r", "b", "a"], [["a", "b", 1]])).toEqual({ parent: {}, cost: 0, unreachable: ["a", "b"] });
  });

  test("two LANs joined only through a cloud node", () => {
    const lan = 200, cloud = 1000;
    const r = plan(["home", "laptop", "nas", "office", "office-nas", "github"], [
      ["home", "laptop", lan], ["laptop", "home", lan], ["home", "nas", lan], ["nas", "home", lan],
      ["office", "office-nas", lan], ["office-nas", "office", lan],
      ["home", "github", cloud], ["github", "home", cloud], ["github", "office", cloud],
      ["office", "github", cloud], ["github", "office-nas", cloud], ["office-nas", "github", cloud],
    ], "home");
    // One cloud hop in, one out; the rest over the LANs. The tie between github->office and
    // github->office-nas goes to the smaller to-node id, "office".
    expect(r.parent).toEqual({ laptop: "home", nas: "home", github: "home", office: "github", "office-nas": "office" });
    expect(r.cost).toBe(4 * lan + 2 * cloud - lan);
  });

  test("ties go to the lexicographically smaller from-node, whatever the input order", () => {
    const nodes = ["r", "b", "a", "c"];
    const edges: PlanGraph["edges"] = [["r", "b", 1], ["r", "a", 1], ["b", "c", 2], ["a", "c", 2]];
    expect(plan(nodes, edges).parent.c).toBe("a");
    expect(plan([...nodes].reverse(), [...edges].reverse(), "r")).toEqual(plan(nodes, edges));
  });

  test("hostile ids such as __proto__ are ordinary keys", () => {
    const r = plan(["r", "__proto__", "constructor"], [["r", "__proto__", 1], ["__proto__", "constructor", 1]]);
    expect(Object.keys(r.parent).sort()).toEqual(["__proto__", "constructor"]);
    expect(r.parent["__proto__"]).toBe("r");
    expect(JSON.parse(JSON.stringify(r)).parent.constructor).toBe("__proto__");
  });

  test("duplicate ids in nodes are one node", () => {
    expect(plan(["r", "a", "a"], [["r", "a", 1]])).toEqual({ parent: { a: "r" }, cost: 1, unreachable: [] });
  });
});

describe("minCostArborescence: bad graphs", () => {
  const bad = (graph: PlanGraph, path: string, message: RegExp) => {
    let error: unknown;
    try {
      minCostArborescence(graph);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).code).toBe("BAD_PLAN_INPUT");
    expect((error as PlanInputError).path).toBe(path);
    expect((error as PlanInputError).message).toMatch(message);
  };

  test.each([
    [-1, "negative"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
  ])("cost %p (%s) is rejected with the edge's path", (cost) => {
    bad({ nodes: ["r", "a"], edges: [["r", "a", 1], ["a", "r", cost]], root: "r" }, "edges[1][2]", /^edges\[1\]\[2\]: cost must be a finite number >= 0$/);
  });

  test("edges naming unknown nodes, and an unknown root", () => {
    bad({ nodes: ["r"], edges: [["r", "zz", 1]], root: "r" }, "edges[0][1]", /unknown node "zz"/);
    bad({ nodes: ["r"], edges: [["q", "r", 1]], root: "r" }, "edges[0][0]", /unknown node "q"/);
    bad({ nodes: ["r"], edges: [], root: "s" }, "root", /^root: unknown node "s"$/);
  });
});
