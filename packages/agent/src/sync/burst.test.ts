import { burstDecision, idleSends, LOCAL_SENDS, onDone, onHead, onHeldSent, releaseIn, type SendState } from "./burst.js";

/**
 * Heads at `times` (ms, ascending) under the local-heads rule, each send taking `sendMs(t)` ms,
 * a timer firing held ones (as NagleSender does). Returns the sends' start times and, per head,
 * how long it waited for the send that carried it.
 */
function simulate(times: number[], sendMs: (t: number) => number): { sends: number[]; waits: number[] } {
  let s: SendState = idleSends, measured: number | null = null, ends: number | null = null, started = 0, due: number | null = null, i = 0;
  const sends: number[] = [];
  const start = (t: number) => { sends.push(t); started = t; ends = t + sendMs(t); due = null; };
  const schedule = (t: number) => { const w = releaseIn(s, t, measured); due = w === null ? null : t + w; };
  for (let t = 0; i < times.length || ends !== null || due !== null; t++) {
    if (ends !== null && t >= ends) {
      measured = measured === null ? t - started : (measured + t - started) / 2;
      s = onDone(s, t);
      ends = null;
      schedule(t);
    }
    if (due !== null && t >= due) { s = onHeldSent(s); start(t); }
    while (i < times.length && times[i] === t) {
      const d = onHead(s, t, measured);
      s = d.next;
      i++;
      if (d.send) start(t); else schedule(t);
    }
  }
  const waits = times.map((at) => sends.find((x) => x >= at)! - at);
  return { sends, waits };
}

const every = (count: number, ms: number) => Array.from({ length: count }, (_, i) => i * ms);
const fixed = (ms: number) => () => ms;

/** `count` head times with intervals drawn from `lo`..`hi` ms (a loaded machine's jitter), seeded. */
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

/** The bench's spacing: each commit after the last arrived everywhere, the agents quiet for
 * 50 ms, and a pause of 50–100 ms: `sendMs` + 150–250 ms apart. */
function oneAtATime(count: number, sendMs: number, seed: number): number[] {
  return jittered(count, sendMs + 150, sendMs + 250, seed);
}

describe("local heads: Nagle's rule", () => {
  it("sends a head at once when no send is in flight, however close behind the last one it comes", () => {
    const d = onHead({ ...idleSends, lastAt: 900, doneAt: 910 }, 1000, 20);
    expect(d.send).toBe(true);
    expect(d.next.inFlight).toBe(true);
  });

  it("holds a head that comes while a send is in flight, and sends the newest as soon as it ends", () => {
    let s = onHead(idleSends, 0, null).next;
    s = onHead(s, 10, null).next;
    s = onHead(s, 15, null).next;
    expect(s.heldSince).toBe(10);
    expect(releaseIn(s, 15, null)).toBeNull(); // the send in flight ends first
    s = onDone(s, 40);
    expect(releaseIn(s, 40, 40)).toBe(0);
    expect(simulate([0, 10, 15], fixed(40)).sends).toEqual([0, 40]);
  });

  it("commits made one at a time, each after the last arrived (the bench), are never held", () => {
    for (const sendMs of [20, 100, 300]) {
      for (const seed of [1, 2, 3]) {
        const { sends, waits } = simulate(oneAtATime(30, sendMs, seed), fixed(sendMs));
        expect(sends).toHaveLength(30);
        expect(Math.max(...waits)).toBe(0);
      }
    }
  });

  it("two or three quick commits 300-400 ms apart each go at once (the old time window held the third)", () => {
    expect(simulate([0, 350, 700], fixed(25)).waits).toEqual([0, 0, 0]);
    expect(simulate([0, 300, 700, 1000], fixed(60)).waits).toEqual([0, 0, 0, 0]);
  });

  it("a 200-commit burst costs at most 10 sends, on a fast machine and a loaded one", () => {
    // [ms between commits, ms a send takes]: idle (100-130 commits/s, 20 ms pushes), beside busy
    // loops (70 ms apart, pushes 40-150 ms), very slow (300 ms apart, 400 ms pushes), and commits
    // slower than pushes (each lands just after the last push ended).
    for (const [gap, send] of [[8, 20], [10, 20], [30, 60], [70, 40], [70, 150], [100, 200], [300, 400], [60, 20], [100, 30]] as const) {
      expect(simulate(every(200, gap), fixed(send)).sends.length).toBeLessThanOrEqual(10);
    }
  });

  it("…with jitter and stalls between commits", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      // 40-100 ms apart, a 150-350 ms stall every 20 commits, pushes of 30-120 ms.
      const times = jittered(200, 40, 100, seed).map((t, i) => t + Math.floor(i / 20) * (100 + seed * 50));
      const { sends } = simulate(times, (t) => 30 + (t % 90));
      expect(sends.length).toBeLessThanOrEqual(10);
    }
  });

  it("the burst's last commit goes soon after it ends, and a long burst goes out along the way", () => {
    const times = every(300, 100); // 30 s of commits, 100 ms apart, 60 ms pushes
    const { sends, waits } = simulate(times, fixed(60));
    expect(sends.length).toBeGreaterThanOrEqual(5);
    expect(sends.length).toBeLessThanOrEqual(12);
    expect(waits.at(-1)).toBeLessThanOrEqual(LOCAL_SENDS.quietMs);
    const short = simulate(every(200, 10), fixed(20));
    expect(short.waits.at(-1)).toBeLessThanOrEqual(LOCAL_SENDS.quietMs);
  });

  it("a quiet spell ends the burst: the next commit goes at once and starts from level 0", () => {
    let s = idleSends, t = 0;
    for (; t < 3000; t += 10) {
      const d = onHead(s, t, 20);
      s = d.next;
      if (s.inFlight && t % 40 === 20) s = onDone(s, t);
      const w = releaseIn(s, t, 20);
      if (w === 0) s = onHeldSent(s);
    }
    expect(s.level).toBeGreaterThan(1);
    s = onDone(s, t);
    const after = onHead({ ...s, heldSince: null }, t + 5000, 20);
    expect(after.send).toBe(true);
    expect(after.next.level).toBe(0);
  });

  it("a person's commits, seconds apart, each go at once however slow pushes are", () => {
    expect(simulate(every(5, 3000), fixed(2500)).waits).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("incoming refs: burstDecision", () => {
  const rule = { gapMs: 50, maxMs: 1000 };
  const idle = { lastAt: -Infinity, heldSince: null };
  it("acts on an event after a quiet spell at once", () => {
    expect(burstDecision(idle, 1000, rule)).toEqual({ waitMs: 0, next: { lastAt: 1000, heldSince: null } });
    expect(burstDecision({ lastAt: 900, heldSince: null }, 1000, rule).waitMs).toBe(0);
  });
  it("holds an event right behind another until the burst pauses for the gap", () => {
    const d = burstDecision({ lastAt: 980, heldSince: null }, 1000, rule);
    expect(d).toEqual({ waitMs: 50, next: { lastAt: 1000, heldSince: 1000 } });
    expect(burstDecision(d.next, 1030, rule)).toEqual({ waitMs: 50, next: { lastAt: 1030, heldSince: 1000 } });
  });
  it("never holds a burst longer than maxMs from its start", () => {
    expect(burstDecision({ lastAt: 1970, heldSince: 1000 }, 1980, rule).waitMs).toBe(20);
    expect(burstDecision({ lastAt: 2010, heldSince: 1000 }, 2020, rule).waitMs).toBe(0);
  });
});
