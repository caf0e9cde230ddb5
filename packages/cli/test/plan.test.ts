// `herald plan`: JSON in (a file or stdin), the cheapest tree out; bad input is exit 2, one line.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { herald, lines } from "./run-herald.js";

// a, b and c each have a cost-1 edge from the previous one in a cycle, cheaper than any edge
// from the root: choosing each node's cheapest entering edge gives the cycle a→b→c→a, which the
// planner must contract and then enter once, via the cheapest reduced cost (r→b: 4-1 = 3).
// x cannot be reached from r; its free edge into a must not be used.
const CYCLE = {
  nodes: ["r", "a", "b", "c", "x"],
  edges: [["r", "a", 10], ["r", "b", 4], ["r", "c", 8], ["c", "a", 1], ["a", "b", 1], ["b", "c", 1], ["x", "a", 0]],
  root: "r",
};

describe("herald plan", () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "herald-plan-")); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it("plans a graph read from stdin and prints the tree as JSON", async () => {
    const r = await herald(["plan", "--input", "-"], { input: JSON.stringify(CYCLE) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"parent":{"a":"c","b":"r","c":"b"},"cost":6,"unreachable":["x"]}\n');
  });

  it("plans a graph read from a file, as text", async () => {
    const file = join(dir, "graph.json");
    await writeFile(file, JSON.stringify(CYCLE));
    const r = await herald(["plan", "--input", file, "--format", "text"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("r\n  b  (4)\n    c  (1)\n      a  (1)\ntotal cost 6\nunreachable: x\n");
    const json = await herald(["plan", "--input", file, "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual({ parent: { a: "c", b: "r", c: "b" }, cost: 6, unreachable: ["x"] });
  });

  it("rejects input that is not JSON (exit 2, one line naming the source)", async () => {
    const r = await herald(["plan", "--input", "-"], { input: '{"nodes": ["a",' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^herald: stdin: not valid JSON: /);
  });

  it("rejects a negative cost, naming the edge (exit 2)", async () => {
    const bad = { nodes: ["a", "b"], edges: [["a", "b", 1], ["b", "a", -3]], root: "a" };
    const file = join(dir, "negative.json");
    await writeFile(file, JSON.stringify(bad));
    const r = await herald(["plan", "--input", file]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`herald: ${file}: edges[1][2]: cost must be a finite number >= 0`]);
  });

  it("rejects a root that is not a node (exit 2)", async () => {
    const r = await herald(["plan", "--input", "-"], { input: '{"nodes": ["a"], "edges": [], "root": "z"}' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['herald: stdin: root: unknown node "z" (not in nodes)']);
  });

  it("without --input plans over a clone's live map, and says so when there is no clone (exit 2)", async () => {
    const r = await herald(["plan", "--repo", dir]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^herald: .* is not a git clone/)]);
  });

  it("reports a missing input file (exit 2)", async () => {
    const r = await herald(["plan", "--input", join(dir, "absent.json")]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`herald: cannot read ${join(dir, "absent.json")}: no such file`]);
  });
});
