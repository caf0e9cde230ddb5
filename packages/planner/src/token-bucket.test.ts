import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { createBucket, spend, take, type Bucket } from "./token-bucket.js";

const T0 = 1_000_000;

describe("token bucket", () => {
  test("starts full, grants a burst up to capacity, then refuses with the exact wait", () => {
    let b = createBucket({ capacity: 3, refillPerSec: 2 }, T0);
    for (let i = 0; i < 3; i++) {
      const r = take(b, 1, T0);
      expect(r.waitMs).toBe(0);
      b = r.bucket;
    }
    const refused = take(b, 1, T0);
    expect(refused.waitMs).toBe(500); // one token at 2/s
    expect(take(refused.bucket, 1, T0 + 499).waitMs).toBe(1);
    expect(take(refused.bucket, 1, T0 + 500).waitMs).toBe(0);
  });

  test("refill stops at capacity", () => {
    const b = take(createBucket({ capacity: 2, refillPerSec: 1 }, T0), 2, T0).bucket;
    const later = take(b, 3, T0 + 3_600_000); // an hour later: still only 2 in the bucket
    expect(later.bucket.tokens).toBe(-1); // ...so an oversized 3 leaves a debt of 1
  });

  test("an oversized request waits for a full bucket, then goes through into debt that delays the next", () => {
    let b = createBucket({ capacity: 10, refillPerSec: 10 }, T0);
    b = take(b, 4, T0).bucket; // 6 left
    const first = take(b, 25, T0);
    expect(first.waitMs).toBe(400); // until full
    const granted = take(first.bucket, 25, T0 + 400);
    expect(granted.waitMs).toBe(0);
    expect(granted.bucket.tokens).toBe(-15);
    expect(take(granted.bucket, 1, T0 + 400).waitMs).toBe(1600); // repay 15, then 1 more
    expect(take(granted.bucket, 0, T0 + 400).waitMs).toBe(1500); // 0 asks "out of debt?"
  });

  test("spend records usage without refusing; a clock going backwards refills nothing", () => {
    const b = spend(createBucket({ capacity: 5, refillPerSec: 1 }, T0), 8, T0);
    expect(b.tokens).toBe(-3);
    expect(take(b, 0, T0 - 10_000)).toEqual({ bucket: b, waitMs: 3000 });
  });

  test("rejects nonsense configurations and counts", () => {
    expect(() => createBucket({ capacity: 0, refillPerSec: 1 }, T0)).toThrow(RangeError);
    expect(() => createBucket({ capacity: 1, refillPerSec: Infinity }, T0)).toThrow(RangeError);
    const b = createBucket({ capacity: 1, refillPerSec: 1 }, T0);
    expect(() => take(b, -1, T0)).toThrow(RangeError);
    expect(() => take(b, NaN, T0)).toThrow(RangeError);
  });

  test("property: waiting waitMs is always enough, and grants never outpace capacity + rate × time", () => {
    fc.assert(
      fc.property(
        fc.record({ capacity: fc.integer({ min: 1, max: 50 }), refillPerSec: fc.double({ min: 0.1, max: 100, noNaN: true }) }),
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 80 }), gap: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 40 }),
        (config, requests) => {
          let b: Bucket = createBucket(config, 0);
          let now = 0;
          let granted = 0;
          for (const { n, gap } of requests) {
            now += gap;
            let r = take(b, n, now);
            if (r.waitMs > 0) {
              now += r.waitMs;
              r = take(r.bucket, n, now);
              expect(r.waitMs).toBe(0); // progress: the promised wait suffices
            }
            b = r.bucket;
            granted += n;
            // Everything granted came from the initial burst or the refill, plus at most one
            // oversized request's debt (which is at most the request itself).
            expect(granted).toBeLessThanOrEqual(config.capacity + (config.refillPerSec * now) / 1000 + Math.max(0, n - config.capacity) + 1e-6);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
