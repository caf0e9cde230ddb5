import { describe, expect, test } from "@jest/globals";
import { renderMap } from "./map-render.js";
import { minCostArborescence } from "./min-cost-arborescence.js";
import type { PlanGraph } from "./plan-graph.js";

const graph: PlanGraph = {
  nodes: ["home", "laptop", "nas", "github", "office", 'we"ird\\id', "attic"],
  edges: [
    ["home", "laptop", 200], ["laptop", "home", 200], ["home", "nas", 200], ["laptop", "nas", 100],
    ["home", "github", 1000], ["github", "office", 1000], ["office", 'we"ird\\id', 5],
    ["attic", "home", 1], ["attic", "attic", 0], ["home", "laptop", 900],
  ],
  root: "home",
};
const tree = minCostArborescence(graph);
const treeEdges = Object.entries(tree.parent).map(([child, parent]) => `${parent} -> ${child}`).sort();

/** Undoes dotId's escaping of one quoted DOT string. */
const unDot = (s: string) => s.replace(/\\(["\\])/g, "$1");

describe("renderMap dot", () => {
  const dot = renderMap(graph, tree, "dot");
  const edgeLines = dot.split("\n").filter((l) => l.includes(" -> "));
  const edges = edgeLines.map((l) => {
    const m = /^ {2}"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[label="([\d.]+)", (.*)\];$/.exec(l);
    if (!m) throw new Error(`not a DOT edge statement: ${l}`);
    return { edge: `${unDot(m[1]!)} -> ${unDot(m[2]!)}`, bold: m[4]!.includes("penwidth") };
  });

  test("is one digraph with balanced braces and every statement terminated", () => {
    const lines = dot.trimEnd().split("\n");
    expect(lines[0]).toBe("digraph herald {");
    expect(lines.at(-1)).toBe("}");
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/;$/);
  });

  test("bold edges are exactly the parent map's edges", () => {
    expect(edges.filter((e) => e.bold).map((e) => e.edge).sort()).toEqual(treeEdges);
  });

  test("shows every link once (cheapest of parallels, no self loops)", () => {
    expect(edges).toHaveLength(8);
    expect(edgeLines.filter((l) => l.startsWith('  "home" -> "laptop"'))).toEqual([expect.stringContaining('label="200"')]);
    expect(dot).not.toContain('"attic" -> "attic"');
  });

  test("quotes and backslashes in ids are escaped", () => {
    expect(dot).toContain('"we\\"ird\\\\id"');
  });
});

describe("renderMap mermaid", () => {
  const mermaid = renderMap(graph, tree, "mermaid");
  const lines = mermaid.trimEnd().split("\n");

  test("is a graph LR whose ==> edges are the tree edges, with safe ids", () => {
    expect(lines[0]).toBe("graph LR");
    const label = new Map<string, string>();
    for (const l of lines) {
      const m = /^ {2}(\w+)(?:\[|\(\(\()"(.*)"/.exec(l);
      if (m) label.set(m[1]!, m[2]!.replace(/#quot;/g, '"'));
    }
    expect([...label.values()].sort()).toEqual([...graph.nodes].sort());
    const arrows = lines.flatMap((l) => {
      const m = /^ {2}(\w+) (==>|-->|-\.->)\|[\d.]+\| (\w+)$/.exec(l);
      return m ? [{ edge: `${label.get(m[1]!)} -> ${label.get(m[3]!)}`, arrow: m[2] }] : [];
    });
    expect(arrows).toHaveLength(8);
    expect(arrows.filter((a) => a.arrow === "==>").map((a) => a.edge).sort()).toEqual(treeEdges);
    expect(arrows.find((a) => a.edge === "attic -> home")?.arrow).toBe("-.->");
  });

  test("ids that sanitize alike stay distinct, and the keyword end is never an id", () => {
    const g: PlanGraph = { nodes: ["a-b", "a_b", "a b", "end"], edges: [["end", "a-b", 1]], root: "end" };
    const out = renderMap(g, minCostArborescence(g), "mermaid");
    const ids = out.split("\n").flatMap((l) => /^ {2}(\w+)[[(]/.exec(l)?.[1] ?? []);
    expect(new Set(ids).size).toBe(4);
    expect(ids).not.toContain("end");
  });
});

describe("renderMap text and json", () => {
  test("text marks planned links with => and unusable ones with ~>", () => {
    const text = renderMap(graph, tree, "text");
    expect(text).toContain("  laptop => nas  (100)");
    expect(text).toContain("  home -> nas  (200)");
    expect(text).toContain("  attic ~> home  (1)");
    expect(text).toContain("unreachable: attic");
  });

  test("json lists links with a tree flag that matches the parent map", () => {
    const json = JSON.parse(renderMap(graph, tree, "json"));
    expect(json.root).toBe("home");
    const flagged = json.links.filter((l: { tree: boolean }) => l.tree).map((l: { from: string; to: string }) => `${l.from} -> ${l.to}`);
    expect(flagged.sort()).toEqual(treeEdges);
    expect(json.cost).toBe(tree.cost);
  });
});
