import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { SkewHeapPool } from "./skew-heap.js";

// A model: each heap is a list of [key, node]; min = smallest key, then smallest node.
type Model = Array<[number, number]>;
const modelMin = (m: Model) => [...m].sort((a, b) => a[0] - b[0] || a[1] - b[1])[0]!;

const op = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), heap: fc.nat(3), key: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant("merge" as const), heap: fc.nat(3), other: fc.nat(3) }),
  fc.record({ kind: fc.constant("add" as const), heap: fc.nat(3), key: fc.integer({ min: -20, max: 20 }) }),
  fc.record({ kind: fc.constant("pop" as const), heap: fc.nat(3) }),
);

describe("SkewHeapPool", () => {
  test("behaves like a list model under insert, merge, lazy add and pop", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const pool = new SkewHeapPool(ops.length);
        const roots = [-1, -1, -1, -1];
        const model: Model[] = [[], [], [], []];
        let nextNode = 0;
        for (const o of ops) {
          const h = o.heap;
          if (o.kind === "insert") {
            const i = nextNode++;
            roots[h] = pool.merge(roots[h]!, pool.singleton(i, o.key));
            model[h]!.push([o.key, i]);
          } else if (o.kind === "merge" && o.other !== h) {
            roots[h] = pool.merge(roots[h]!, roots[o.other]!);
            roots[o.other] = -1;
            model[h] = [...model[h]!, ...model[o.other]!];
            model[o.other] = [];
          } else if (o.kind === "add") {
            pool.addAll(roots[h]!, o.key);
            model[h] = model[h]!.map(([k, i]) => [k + o.key, i]);
          } else if (o.kind === "pop" && model[h]!.length > 0) {
            const [key, node] = modelMin(model[h]!);
            expect([pool.minKey(roots[h]!), roots[h]]).toEqual([key, node]);
            roots[h] = pool.pop(roots[h]!);
            model[h] = model[h]!.filter(([, i]) => i !== node);
          }
          expect(roots[h]! < 0).toBe(model[h]!.length === 0);
        }
        // Drain everything: keys come out in order, ties by node number.
        for (let h = 0; h < 4; h++) {
          const out: Array<[number, number]> = [];
          while (roots[h]! >= 0) {
            out.push([pool.minKey(roots[h]!), roots[h]!]);
            roots[h] = pool.pop(roots[h]!);
          }
          expect(out).toEqual([...model[h]!].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
        }
      }),
      { numRuns: 300 },
    );
  });

  test("equal keys come out lowest node first", () => {
    const pool = new SkewHeapPool(3);
    const h = pool.merge(pool.merge(pool.singleton(2, 5), pool.singleton(0, 5)), pool.singleton(1, 5));
    expect(h).toBe(0);
    expect(pool.pop(h)).toBe(1);
  });

  test("a chain of sorted nodes is a heap: it pops in order, melds, and takes a lazy add", () => {
    const pool = new SkewHeapPool(6);
    const keys = Float64Array.from([4, 1, 9, 1, 3, 7]);
    const a = pool.chain(Int32Array.from([1, 3, 0, 2]), 0, 4, keys); // keys 1, 1, 4, 9
    const b = pool.chain(Int32Array.from([9, 4, 5, 9]), 1, 3, keys); // nodes 4, 5: keys 3, 7
    expect(pool.chain(Int32Array.from([1]), 1, 1, keys)).toBe(-1);
    pool.addAll(b, -2.5); // 0.5, 4.5
    let h = pool.merge(a, b);
    const out: Array<[number, number]> = [];
    while (h >= 0) {
      out.push([h, pool.minKey(h)]);
      h = pool.pop(h);
    }
    expect(out).toEqual([[4, 0.5], [1, 1], [3, 1], [0, 4], [5, 4.5], [2, 9]]);
  });
});
