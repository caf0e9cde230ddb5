import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { RollbackUnionFind } from "./union-find.js";

// Model: a set label per element, with a stack of snapshots for rollback.
describe("RollbackUnionFind", () => {
  test("union, find and rollback agree with a relabelling model", () => {
    const n = 12;
    const step = fc.oneof(
      fc.record({ kind: fc.constant("union" as const), a: fc.nat(n - 1), b: fc.nat(n - 1) }),
      fc.record({ kind: fc.constant("mark" as const) }),
      fc.record({ kind: fc.constant("rollback" as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const uf = new RollbackUnionFind(n);
        let label = Array.from({ length: n }, (_, i) => i);
        const marks: Array<{ time: number; label: number[] }> = [];
        for (const s of steps) {
          if (s.kind === "union") {
            const joined = label[s.a] !== label[s.b];
            expect(uf.union(s.a, s.b)).toBe(joined);
            const [from, to] = [label[s.b], label[s.a]];
            label = label.map((l) => (l === from ? to! : l));
          } else if (s.kind === "mark") {
            marks.push({ time: uf.time(), label });
          } else if (marks.length > 0) {
            const m = marks.pop()!;
            uf.rollback(m.time);
            label = m.label;
          }
          for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) {
            if ((uf.find(x) === uf.find(y)) !== (label[x] === label[y])) throw new Error(`${x}~${y} disagrees`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test("rollback restores the exact representatives", () => {
    const uf = new RollbackUnionFind(4);
    uf.union(0, 1);
    const t = uf.time();
    const before = [0, 1, 2, 3].map((x) => uf.find(x));
    uf.union(2, 3);
    uf.union(1, 3);
    expect(uf.find(2)).toBe(uf.find(0));
    uf.rollback(t);
    expect([0, 1, 2, 3].map((x) => uf.find(x))).toEqual(before);
    expect(uf.union(1, 0)).toBe(false);
  });
});
