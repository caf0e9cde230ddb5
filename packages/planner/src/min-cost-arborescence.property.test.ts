// Property tests: the fast algorithm (and the O(V·E) reference) against brute force on every
// small graph fast-check can think of, against each other on medium graphs, and against the
// arborescence invariants at scale.
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { referenceArborescence } from "./arborescence-reference.js";
import { minCostArborescence } from "./min-cost-arborescence.js";
import type { ArborescenceResult, PlanGraph } from "./plan-graph.js";
import { randomGraph, seededRandom } from "./random-graph.js";

function reachableFrom(g: PlanGraph): Set<string> {
  const out = new Map<string, string[]>();
  for (const [f, t] of g.edges) {
    const list = out.get(f);
    if (list) list.push(t);
    else out.set(f, [t]);
  }
  const seen = new Set([g.root]);
  const queue = [g.root];
  while (queue.length) for (const t of out.get(queue.pop()!) ?? []) if (!seen.has(t)) seen.add(t) && queue.push(t);
  return seen;
}

/** Every choice of one entering edge per reachable non-root node; the cheapest that is a tree. */
function bruteForceOptimum(g: PlanGraph): number {
  const reach = reachableFrom(g);
  const targets = [...reach].filter((v) => v !== g.root);
  const options = targets.map((v) => g.edges.filter(([f, t]) => t === v && f !== v && reach.has(f)));
  const parent = new Map<string, string>();
  let best = Infinity;
  const isTree = () =>
    targets.every((v) => {
      let x = v;
      for (let steps = 0; steps <= targets.length; steps++) {
        if (x === g.root) return true;
        x = parent.get(x)!;
      }
      return false; // walked more steps than there are nodes: a cycle
    });
  const choose = (i: number, sum: number): void => {
    if (i === targets.length) {
      if (sum < best && isTree()) best = sum;
      return;
    }
    for (const [f, , w] of options[i]!) {
      parent.set(targets[i]!, f);
      choose(i + 1, sum + w);
    }
  };
  choose(0, 0);
  return best;
}

/** The invariants any correct answer has, whatever tie it picked. */
function expectValidArborescence(g: PlanGraph, r: ArborescenceResult): void {
  const reach = reachableFrom(g);
  expect(r.unreachable).toEqual([...new Set(g.nodes)].filter((v) => !reach.has(v)).sort());
  expect(Object.keys(r.parent).sort()).toEqual([...reach].filter((v) => v !== g.root).sort());
  const cheapest = new Map<string, number>();
  for (const [f, t, w] of g.edges) if (f !== t) cheapest.set(`${f}\0${t}`, Math.min(w, cheapest.get(`${f}\0${t}`) ?? Infinity));
  let sum = 0;
  const missingEdges: string[] = [];
  for (const [child, parent] of Object.entries(r.parent)) {
    const w = cheapest.get(`${parent}\0${child}`);
    if (w === undefined) missingEdges.push(`${parent}->${child}`);
    else sum += w;
  }
  expect(missingEdges).toEqual([]); // every parent edge exists
  // Following parents from any node reaches the root (memoized, so this is O(V)).
  const rooted = new Set([g.root]);
  const cyclic: string[] = [];
  for (const start of Object.keys(r.parent)) {
    const trail: string[] = [];
    let x = start;
    while (!rooted.has(x) && trail.length <= reach.size && x !== undefined) {
      trail.push(x);
      x = r.parent[x]!;
    }
    if (rooted.has(x)) for (const y of trail) rooted.add(y);
    else cyclic.push(start);
  }
  expect(cyclic).toEqual([]);
  expect(r.cost).toBeCloseTo(sum, 6);
}

const ids = ["a", "b", "c", "d", "e", "f", "g"];
const halves = fc.integer({ min: 0, max: 12 }).map((k) => k / 2); // exact in binary floating point
// Small graphs with many ties, zero and fractional costs, self loops and parallel edges.
const smallGraph = (cost: fc.Arbitrary<number> = halves) =>
  fc.integer({ min: 1, max: 7 }).chain((n) =>
    fc.record({
      nodes: fc.constant(ids.slice(0, n)),
      edges: fc.array(fc.tuple(fc.constantFrom(...ids.slice(0, n)), fc.constantFrom(...ids.slice(0, n)), cost), {
        minLength: n - 1,
        maxLength: 4 * n,
        size: "max",
      }),
      root: fc.constantFrom(...ids.slice(0, n)),
    }),
  );

describe("minCostArborescence: properties", () => {
  test("matches the brute-force optimum and is a valid arborescence (small graphs)", () => {
    fc.assert(
      fc.property(smallGraph(), (g) => {
        const r = minCostArborescence(g);
        expectValidArborescence(g, r);
        expect(r.cost).toBe(bruteForceOptimum(g));
      }),
      { numRuns: 600 },
    );
  });

  test("costs that are not exact in binary (tenths, thirds) stay optimal up to rounding", () => {
    const inexact = fc.integer({ min: 0, max: 30 }).map((k) => (k % 2 ? k / 10 : k / 3));
    fc.assert(
      fc.property(smallGraph(inexact), (g) => {
        const r = minCostArborescence(g);
        expectValidArborescence(g, r);
        expect(r.cost).toBeCloseTo(bruteForceOptimum(g), 9);
      }),
      { numRuns: 300 },
    );
  });

  test("the reference oracle also matches brute force (small graphs)", () => {
    fc.assert(
      fc.property(smallGraph(), (g) => {
        const r = referenceArborescence(g);
        expectValidArborescence(g, r);
        expect(r.cost).toBe(bruteForceOptimum(g));
      }),
      { numRuns: 300 },
    );
  });

  test("the output does not depend on the order of nodes or edges", () => {
    fc.assert(
      fc.property(smallGraph(), fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (g, keys) => {
        const shuffled = (xs: readonly unknown[]) => xs.map((x) => [keys.next().value as number, x] as const).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
        const h = { nodes: shuffled(g.nodes) as string[], edges: shuffled(g.edges) as PlanGraph["edges"], root: g.root };
        expect(minCostArborescence(h)).toEqual(minCostArborescence(g));
      }),
      { numRuns: 200 },
    );
  });

  test("agrees with the reference on medium graphs (50–200 nodes)", () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 50, max: 200 }),
          edgesPerNode: fc.integer({ min: 1, max: 8 }),
          maxCost: fc.constantFrom(3, 20, 1000),
          reachableShare: fc.constantFrom(0.5, 0.9, 1),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        (opts) => {
          const g = randomGraph(opts);
          const r = minCostArborescence(g);
          expectValidArborescence(g, r);
          expect(r.cost).toBe(referenceArborescence(g).cost);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("agrees with the reference where cheap links are local and cycles nest deeply", () => {
    // Cheap edges only between ring neighbours (both ways), expensive ones from the root: the
    // algorithm contracts cycles of cycles until almost everything is one component.
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 150 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        const rand = seededRandom(seed);
        const id = (i: number) => `v${i}`;
        const edges: PlanGraph["edges"] = [];
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < 4; k++) {
            const d = 1 + Math.floor(rand() * 3);
            edges.push([id(i), id((i + (rand() < 0.5 ? d : n - d)) % n), Math.floor(rand() * 6)]);
          }
          edges.push(["root", id(i), 1000 + Math.floor(rand() * 50)]);
        }
        const g = { nodes: ["root", ...Array.from({ length: n }, (_, i) => id(i))], edges, root: "root" };
        const r = minCostArborescence(g);
        expectValidArborescence(g, r);
        expect(r.cost).toBe(referenceArborescence(g).cost);
      }),
      { numRuns: 60 },
    );
  });
});

describe("minCostArborescence: scale", () => {
  test("10,000 nodes / 100,000 edges: a valid arborescence no cheaper than the per-node lower bound", () => {
    const g = randomGraph({ nodes: 10_000, edgesPerNode: 10, seed: 7 });
    const r = minCostArborescence(g);
    expectValidArborescence(g, r);
    const cheapestIn = new Map<string, number>();
    const unreachable = new Set(r.unreachable);
    for (const [f, t, w] of g.edges) if (f !== t && !unreachable.has(f)) cheapestIn.set(t, Math.min(w, cheapestIn.get(t) ?? Infinity));
    let bound = 0;
    for (const v of Object.keys(r.parent)) bound += cheapestIn.get(v)!;
    expect(r.cost).toBeGreaterThanOrEqual(bound);
  });

  test("one 50,000-node cycle is contracted and expanded without recursion", () => {
    // Every node's cheapest entering edge is its ring predecessor: the whole ring is one cycle,
    // entered from the root at n7 (the cheapest way in), so n6 -> n7 is the one ring edge dropped.
    const n = 50_000;
    const nodes = ["root", ...Array.from({ length: n }, (_, i) => `n${i}`)];
    const edges: PlanGraph["edges"] = [];
    for (let i = 0; i < n; i++) edges.push([`n${i}`, `n${(i + 1) % n}`, 1], ["root", `n${i}`, i === 7 ? 5 : 9]);
    const r = minCostArborescence({ nodes, edges, root: "root" });
    expect(r.cost).toBe(5 + (n - 1));
    expect(r.parent.n7).toBe("root");
    expect(r.parent.n8).toBe("n7");
    expect(r.parent.n0).toBe(`n${n - 1}`);
    expect(Object.values(r.parent).filter((p) => p === "root")).toHaveLength(1);
  });
});
