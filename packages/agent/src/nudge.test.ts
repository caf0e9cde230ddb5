import { silentLogger } from "./log.js";
import { jest } from "@jest/globals";
import { Batcher, CoalescingLoop } from "./nudge.js";
import { LOCAL_BURST } from "./sync/burst.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("CoalescingLoop", () => {
  it("collapses a burst of nudges during a pass into one more pass", async () => {
    let passes = 0;
    let release!: () => void;
    const loop = new CoalescingLoop("t", async () => {
      passes++;
      if (passes === 1) await new Promise<void>((r) => { release = r; });
    }, silentLogger);
    loop.nudge();
    await tick();
    for (let i = 0; i < 100; i++) loop.nudge();
    release();
    await loop.idle();
    expect(passes).toBe(2);
  });
  it("keeps running after a pass throws", async () => {
    let passes = 0;
    const loop = new CoalescingLoop("t", async () => { passes++; if (passes === 1) throw new Error("boom"); }, silentLogger);
    loop.nudge();
    await loop.idle();
    loop.nudge();
    await loop.idle();
    expect(passes).toBe(2);
  });
  it("ignores nudges once stopped", async () => {
    let passes = 0;
    const loop = new CoalescingLoop("t", async () => { passes++; }, silentLogger);
    await loop.stop();
    loop.nudge();
    await loop.idle();
    expect(passes).toBe(0);
  });
});

describe("Batcher", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it("acts on a lone event at once, and on a burst behind it once, when it pauses", () => {
    let acts = 0;
    const b = new Batcher({ gapMs: 50, maxMs: 1000 }, () => acts++);
    b.event();
    expect(acts).toBe(1);
    for (let i = 0; i < 10; i++) { jest.advanceTimersByTime(10); b.event(); }
    expect(acts).toBe(1);
    jest.advanceTimersByTime(50);
    expect(acts).toBe(2);
    jest.advanceTimersByTime(1000);
    b.event(); // after a quiet spell: at once again
    expect(acts).toBe(3);
  });

  it("acts at least every maxMs during a long burst, and stop() cancels what is held", () => {
    let acts = 0;
    const b = new Batcher({ gapMs: 50, maxMs: 200 }, () => acts++);
    b.event();
    for (let i = 0; i < 50; i++) { jest.advanceTimersByTime(10); b.event(); } // 500 ms of events
    expect(acts).toBeGreaterThanOrEqual(3);
    b.stop();
    const held = acts;
    jest.advanceTimersByTime(1000);
    expect(acts).toBe(held);
  });

  it("follows the sender's push time: a slow machine's commits 600 ms apart are still one burst", () => {
    const run = (ms: number | null) => {
      let acts = 0;
      const sender = { busy: true, ms, idleMs: 0 };
      const b = new Batcher(LOCAL_BURST, () => acts++, () => sender);
      for (let i = 0; i < 6; i++) { b.event(); jest.advanceTimersByTime(600); }
      const during = acts;
      jest.advanceTimersByTime(20_000);
      b.stop();
      return { during, after: acts };
    };
    // Pushes of unknown length: 600 ms is a pause (LOCAL_BURST's 500), so each goes at once.
    expect(run(null)).toEqual({ during: 6, after: 6 });
    // Pushes of 400 ms here: a pause must be four pushes long (up to 2 s), so they are held and
    // go together, the last one too.
    const slow = run(400);
    expect(slow.during).toBeLessThan(6);
    expect(slow.after).toBeGreaterThan(slow.during);
  });

  it("asks the sender at each event: an idle pipe acts at once, a busy one holds as the rule says", () => {
    const run = (sender?: { busy: boolean; ms: number | null; idleMs: number }) => {
      let acts = 0;
      const b = new Batcher(LOCAL_BURST, () => acts++, sender && (() => sender));
      for (let i = 0; i < 3; i++) { b.event(); jest.advanceTimersByTime(250); }
      const atOnce = acts;
      if (sender) Object.assign(sender, { busy: true, idleMs: 0 });
      b.event();
      jest.advanceTimersByTime(20);
      b.event(); // right behind, a push on its way: held
      const held = acts;
      jest.advanceTimersByTime(2000);
      b.stop();
      return { atOnce, held, after: acts };
    };
    // Commits 250 ms apart: the rule alone holds the third (its pace makes them a burst).
    expect(run().atOnce).toBe(2);
    expect(run({ busy: false, ms: 60, idleMs: 200 })).toEqual({ atOnce: 3, held: 4, after: 5 });
  });
});
