import { burstDecision, type BurstState } from "./burst.js";

const rule = { gapMs: 50, maxMs: 1000 };
const idle: BurstState = { lastAt: -Infinity, heldSince: null };

describe("burstDecision", () => {
  it("sends a commit after a quiet spell at once", () => {
    expect(burstDecision(idle, 1000, rule)).toEqual({ waitMs: 0, next: { lastAt: 1000, heldSince: null } });
    expect(burstDecision({ lastAt: 900, heldSince: null }, 1000, rule).waitMs).toBe(0);
  });
  it("holds a commit right behind another until the burst pauses for the gap", () => {
    const d = burstDecision({ lastAt: 980, heldSince: null }, 1000, rule);
    expect(d).toEqual({ waitMs: 50, next: { lastAt: 1000, heldSince: 1000 } });
    // Still held: each new commit pushes the send back by one gap, from the same burst start.
    expect(burstDecision(d.next, 1030, rule)).toEqual({ waitMs: 50, next: { lastAt: 1030, heldSince: 1000 } });
  });
  it("never holds a burst longer than maxMs from its start", () => {
    expect(burstDecision({ lastAt: 1970, heldSince: 1000 }, 1980, rule).waitMs).toBe(20);
    expect(burstDecision({ lastAt: 2010, heldSince: 1000 }, 2020, rule).waitMs).toBe(0);
  });
  it("a 200-commit burst, one every 13 ms, goes out in a handful of sends", () => {
    let s = idle, sends = 0, due: number | null = null;
    for (let t = 0; t <= 200 * 13; t++) {
      if (due !== null && t >= due) { sends++; due = null; s = { ...s, heldSince: null }; }
      if (t % 13 === 0 && t < 200 * 13) {
        const d = burstDecision(s, t, rule);
        s = d.next;
        if (d.waitMs === 0 && s.heldSince === null) sends++;
        else due = t + d.waitMs;
      }
    }
    if (due !== null) sends++;
    expect(sends).toBeGreaterThanOrEqual(2);
    expect(sends).toBeLessThanOrEqual(5);
  });
});
