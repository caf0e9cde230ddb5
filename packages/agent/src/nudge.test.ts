import { silentLogger } from "./log.js";
import { CoalescingLoop } from "./nudge.js";

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
