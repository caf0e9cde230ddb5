import { burstDecision, LOCAL_BURST, type BurstRule, type BurstState } from "./burst.js";

/** How many sends `count` events `every` ms apart make under `r` (a timer fires held ones). */
function sendsFor(r: BurstRule, count: number, every: number): number {
  let s: BurstState = { lastAt: -Infinity, heldSince: null }, sends = 0, due: number | null = null;
  for (let t = 0; t <= count * every + r.maxMs; t++) {
    if (due !== null && t >= due) { sends++; due = null; s = { ...s, heldSince: null }; }
    if (t % every === 0 && t < count * every) {
      const d = burstDecision(s, t, r);
      s = d.next;
      if (d.waitMs === 0 && s.heldSince === null) sends++;
      else due = t + d.waitMs;
    }
  }
  return sends;
}

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
  it("with stretchToMs, a burst slower than the gap (a loaded machine) is still one: 200 commits 60 ms apart in a few sends", () => {
    expect(sendsFor({ gapMs: 50, maxMs: 1000 }, 200, 60)).toBe(200); // a fixed 50 ms gap sees no burst
    const sends = sendsFor(LOCAL_BURST, 200, 60);
    expect(sends).toBeGreaterThanOrEqual(3);
    expect(sends).toBeLessThanOrEqual(10);
    expect(sendsFor(LOCAL_BURST, 200, 8)).toBeLessThanOrEqual(4);
  });
  it("with stretchToMs, commits a person makes seconds apart each go at once", () => {
    expect(sendsFor(LOCAL_BURST, 5, 2000)).toBe(5);
  });
  it("a quiet spell forgets the pace: the first commit after it goes at once", () => {
    let s: BurstState = { lastAt: -Infinity, heldSince: null };
    for (const t of [0, 60, 120, 180]) s = burstDecision(s, t, LOCAL_BURST).next;
    expect(s.pace).toBe(60);
    const after = burstDecision({ ...s, heldSince: null }, 10_000, LOCAL_BURST);
    expect(after.waitMs).toBe(0);
    expect(after.next).toEqual({ lastAt: 10_000, heldSince: null });
  });
});
