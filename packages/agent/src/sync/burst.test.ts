import { burstDecision, burstSent, IDLE_PIPE_MS, LOCAL_BURST, pacedBy, type BurstRule, type BurstState, type SendState } from "./burst.js";

/** Sends for events at `times` (ms, ascending) under `r`, a timer firing held ones; and when the last went. */
function sendsAt(r: BurstRule, times: number[]): { sends: number; lastSendAt: number } {
  let s: BurstState = { lastAt: -Infinity, heldSince: null }, sends = 0, due: number | null = null, lastSendAt = -1, i = 0;
  const end = times[times.length - 1]! + (r.maxToMs ?? r.maxMs) + 1;
  for (let t = 0; t <= end; t++) {
    if (due !== null && t >= due) { sends++; lastSendAt = t; due = null; s = burstSent(s); }
    while (i < times.length && times[i] === t) {
      const d = burstDecision(s, t, r);
      s = d.next;
      i++;
      if (d.waitMs === 0 && s.heldSince === null) { sends++; lastSendAt = t; due = null; } else due = t + d.waitMs;
    }
  }
  return { sends, lastSendAt };
}

/** How many sends `count` events `every` ms apart make under `r`. */
function sendsFor(r: BurstRule, count: number, every: number): number {
  return sendsAt(r, Array.from({ length: count }, (_, i) => i * every)).sends;
}

/** `count` event times with intervals drawn from `lo`..`hi` ms (a loaded machine's jitter), seeded. */
function jittered(count: number, lo: number, hi: number, seed: number): number[] {
  const out: number[] = [];
  let t = 0, x = seed;
  for (let i = 0; i < count; i++) {
    out.push(t);
    x = (x * 1103515245 + 12345) % 2 ** 31;
    t += lo + Math.floor((x / 2 ** 31) * (hi - lo));
  }
  return out;
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
    expect(after.next).toEqual({ lastAt: 10_000, heldSince: null, sent: 1 });
  });
  it("a 200-commit burst makes at most 10 sends whatever the machine's speed: fast, slow, stalling", () => {
    for (const every of [8, 30, 60, 100, 200]) expect(sendsFor(LOCAL_BURST, 200, every)).toBeLessThanOrEqual(10);
    for (const seed of [1, 2, 3, 4, 5]) {
      // 40-100 ms apart, with a 150-350 ms stall every 20 commits (a loaded machine; a pause of
      // stretchToMs or more is a quiet spell, the end of the burst).
      const times = jittered(200, 40, 100, seed).map((t, i) => t + Math.floor(i / 20) * (100 + seed * 50));
      expect(sendsAt(LOCAL_BURST, times).sends).toBeLessThanOrEqual(10);
    }
    // A fixed rule (no growth) on the same slow bursts sends far more: growth is what bounds it.
    expect(sendsFor({ gapMs: 50, maxMs: 500, stretchToMs: 500 }, 200, 100)).toBeGreaterThan(20);
  });
  it("a long burst still goes out along the way, and its last commit soon after the burst ends", () => {
    const times = Array.from({ length: 300 }, (_, i) => i * 100); // 30 s of commits
    const { sends, lastSendAt } = sendsAt(LOCAL_BURST, times);
    expect(sends).toBeGreaterThanOrEqual(5);
    expect(lastSendAt - times[times.length - 1]!).toBeLessThanOrEqual(LOCAL_BURST.stretchToMs!);
  });
  it("growth restarts after a quiet spell: the next burst's first commit goes at once", () => {
    let s: BurstState = { lastAt: -Infinity, heldSince: null };
    for (let t = 0; t < 5000; t += 60) {
      s = burstDecision(s, t, LOCAL_BURST).next;
      if (t % 600 === 0 && s.heldSince !== null) s = burstSent(s); // the timer fired
    }
    expect(s.sent).toBeGreaterThan(3);
    const after = burstDecision({ ...s, heldSince: null }, 20_000, LOCAL_BURST);
    expect(after).toEqual({ waitMs: 0, next: { lastAt: 20_000, heldSince: null, sent: 1 } });
  });
});

describe("an idle pipe (Nagle): a commit after the pushes went quiet goes at once", () => {
  /** Events at `times`; each send takes `pushMs` and is busy meanwhile. How many sends, and how long each event waited. */
  function run(times: number[], pushMs: number, rule: BurstRule = LOCAL_BURST) {
    let s: BurstState = { lastAt: -Infinity, heldSince: null }, busyUntil = -Infinity, sends = 0, due: number | null = null;
    const waits: number[] = [];
    const pending: number[] = [];
    const send = (t: number) => { sends++; busyUntil = t + pushMs; for (const e of pending.splice(0)) waits.push(t - e); };
    const state = (t: number): SendState => ({ busy: t < busyUntil, ms: sends ? pushMs : null, idleMs: t < busyUntil ? 0 : t - busyUntil });
    const end = times[times.length - 1]! + (rule.maxToMs ?? rule.maxMs) + 1;
    for (let t = 0, i = 0; t <= end; t++) {
      if (due !== null && t >= due) { due = null; s = burstSent(s); send(t); }
      while (i < times.length && times[i] === t) {
        pending.push(t);
        const d = burstDecision(s, t, rule, state(t));
        s = d.next;
        i++;
        if (d.waitMs === 0 && s.heldSince === null) { due = null; send(t); } else due = t + d.waitMs;
      }
    }
    return { sends, waits };
  }

  it("commits 250 ms apart with pushes of 60 ms, 550 apart with pushes of 300 (a star's hub), 1,100 apart with pushes of 800 (a star of 10): each goes at once", () => {
    for (const [every, pushMs] of [[250, 60], [550, 300], [1100, 800]] as const) {
      const times = Array.from({ length: 30 }, (_, i) => i * every);
      expect(run(times, pushMs).waits.every((w) => w === 0)).toBe(true);
      // Without knowing the pipe, the rule alone holds most of them for the burst's window.
      expect(sendsAt(pacedBy(LOCAL_BURST, pushMs), times).sends).toBeLessThan(30);
    }
  });
  it("a commit while a push is on its way, or soon after one ended, waits as before", () => {
    const s: BurstState = { lastAt: 0, heldSince: null, pace: 100 };
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: true, ms: 60, idleMs: 0 }).waitMs).toBeGreaterThan(0);
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: false, ms: 60, idleMs: IDLE_PIPE_MS - 1 }).waitMs).toBeGreaterThan(0);
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: false, ms: 300, idleMs: 140 }).waitMs).toBeGreaterThan(0);
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: false, ms: 900, idleMs: 190 }).waitMs).toBeGreaterThan(0);
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: false, ms: null, idleMs: Infinity }).waitMs).toBeGreaterThan(0);
    expect(burstDecision(s, 150, LOCAL_BURST, { busy: false, ms: 60, idleMs: IDLE_PIPE_MS })).toEqual({ waitMs: 0, next: { lastAt: 150, heldSince: null, sent: 1 } });
    // A burst already held stays held (one send for it).
    expect(burstDecision({ ...s, heldSince: 0 }, 150, LOCAL_BURST, { busy: false, ms: 60, idleMs: 500 }).waitMs).toBeGreaterThan(0);
  });
  it("a 200-commit burst still makes at most 10 sends when its commits come within the idle time of each other", () => {
    for (const [every, pushMs] of [[8, 60], [25, 60], [60, 40], [80, 70], [60, 150], [90, 400]] as const) {
      expect(run(Array.from({ length: 200 }, (_, i) => i * every), pushMs).sends).toBeLessThanOrEqual(10);
    }
    // Commits as fast as the loop goes on a loaded machine (50-150 ms apart), pushes of 150-900 ms.
    for (const [every, pushMs] of [[50, 150], [100, 400], [150, 900]] as const) {
      expect(run(Array.from({ length: 200 }, (_, i) => i * every), pushMs).sends).toBeLessThanOrEqual(10);
    }
  });
});

describe("pacedBy: the burst rule follows how long a push takes", () => {
  it("leaves the rule alone on a fast machine and before the first push", () => {
    expect(pacedBy(LOCAL_BURST, null)).toEqual(LOCAL_BURST);
    expect(pacedBy(LOCAL_BURST, 25)).toEqual(LOCAL_BURST);
    expect(pacedBy({ gapMs: 5, maxMs: 150 }, 900)).toEqual({ gapMs: 5, maxMs: 150 });
  });
  it("at a load of 40 (commits 0.5-0.9 s apart, pushes of 400 ms) 200 commits make at most 10 sends", () => {
    for (const seed of [1, 2, 3]) {
      const times = jittered(200, 500, 900, seed);
      expect(sendsAt(LOCAL_BURST, times).sends).toBeGreaterThan(50); // unpaced: most go alone
      expect(sendsAt(pacedBy(LOCAL_BURST, 400), times).sends).toBeLessThanOrEqual(10);
    }
  });
  it("a person's commits, 3 s apart, each go at once however slow pushes are", () => {
    expect(sendsFor(pacedBy(LOCAL_BURST, 10_000), 5, 3000)).toBe(5);
  });
});
