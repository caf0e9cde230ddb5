import { describe, expect, test } from "@jest/globals";
import { minCostArborescence } from "./min-cost-arborescence.js";
import { PlanInputError } from "./plan-graph.js";
import { formatPlanText, parsePlanInput } from "./plan-input.js";

function errorOf(input: unknown): PlanInputError {
  try {
    parsePlanInput(input);
  } catch (e) {
    if (e instanceof PlanInputError) return e;
    throw e;
  }
  throw new Error("parsePlanInput accepted the input");
}

describe("parsePlanInput", () => {
  test("accepts the documented shape and ignores other fields", () => {
    const json = JSON.parse('{"nodes":["a","b"],"edges":[["a","b",1.5]],"root":"a","comment":"x"}');
    expect(parsePlanInput(json)).toEqual({ nodes: ["a", "b"], edges: [["a", "b", 1.5]], root: "a" });
  });

  test("returns copies, not the caller's arrays", () => {
    const json = { nodes: ["a"], edges: [], root: "a" };
    const g = parsePlanInput(json);
    g.nodes.push("b");
    expect(json.nodes).toEqual(["a"]);
  });

  test.each<[string, unknown, string]>([
    ["not an object", [1], "plan input must be a JSON object with nodes, edges and root, got array"],
    ["null", null, "plan input must be a JSON object with nodes, edges and root, got null"],
    ["nodes missing", { edges: [], root: "a" }, "nodes: must be an array of node ids, got undefined"],
    ["empty id", { nodes: ["a", ""], edges: [], root: "a" }, "nodes[1]: node id must be a non-empty string"],
    ["numeric id", { nodes: [7], edges: [], root: "a" }, "nodes[0]: node id must be a non-empty string"],
    ["duplicate id", { nodes: ["a", "b", "a"], edges: [], root: "a" }, 'nodes[2]: duplicate node id "a"'],
    ["root missing", { nodes: ["a"], edges: [] }, "root: node id must be a non-empty string"],
    ["root unknown", { nodes: ["a"], edges: [], root: "z" }, 'root: unknown node "z" (not in nodes)'],
    ["edges not array", { nodes: ["a"], edges: {}, root: "a" }, "edges: must be an array of [from, to, cost], got object"],
    ["edge too short", { nodes: ["a", "b"], edges: [["a", "b", 1], ["a", "b"]], root: "a" }, "edges[1]: must be [from, to, cost]"],
    ["edge unknown from", { nodes: ["a"], edges: [["x", "a", 1]], root: "a" }, 'edges[0][0]: unknown node "x" (not in nodes)'],
    ["edge unknown to", { nodes: ["a"], edges: [["a", "x\ny", 1]], root: "a" }, 'edges[0][1]: unknown node "x\\ny" (not in nodes)'],
    ["cost string", { nodes: ["a", "b"], edges: [["a", "b", 1], ["a", "b", 1], ["a", "b", 1], ["a", "b", "3"]], root: "a" }, "edges[3][2]: cost must be a finite number >= 0"],
    ["cost negative", { nodes: ["a", "b"], edges: [["a", "b", -0.5]], root: "a" }, "edges[0][2]: cost must be a finite number >= 0"],
    ["cost null (JSON for NaN/Infinity)", { nodes: ["a", "b"], edges: [["a", "b", null]], root: "a" }, "edges[0][2]: cost must be a finite number >= 0"],
  ])("%s", (_, input, message) => {
    const e = errorOf(input);
    expect(e.code).toBe("BAD_PLAN_INPUT");
    expect(e.message).toBe(message);
    expect(e.message).not.toContain("\n");
  });

  test("a very long unknown id is cut short in the message", () => {
    const e = errorOf({ nodes: ["a"], edges: [], root: "z".repeat(10_000) });
    expect(e.message.length).toBeLessThan(120);
  });
});

describe("formatPlanText", () => {
  test("prints the tree indented, children cheapest first, with costs, total and unreachable", () => {
    const graph = parsePlanInput({
      nodes: ["home", "laptop", "github", "office", "attic", "odd id"],
      edges: [["home", "laptop", 200], ["home", "github", 1000], ["github", "office", 1000], ["office", "odd id", 5], ["attic", "home", 1]],
      root: "home",
    });
    expect(formatPlanText(minCostArborescence(graph), graph)).toBe(
      ["home", "  laptop  (200)", "  github  (1000)", "    office  (1000)", '      "odd id"  (5)', "total cost 2205", "unreachable: attic", ""].join("\n"),
    );
  });

  test("handles a 20,000-node chain without recursion", () => {
    const n = 20_000;
    const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
    const graph = { nodes, edges: nodes.slice(1).map((v, i): [string, string, number] => [`n${i}`, v, 1]), root: "n0" };
    const lines = formatPlanText(minCostArborescence(graph), graph).split("\n");
    expect(lines[n - 1]).toBe(`${"  ".repeat(n - 1)}n${n - 1}  (1)`);
  });
});
