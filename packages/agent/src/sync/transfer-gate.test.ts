import { TransferGate } from "./transfer-gate.js";

function fakeClock() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => { slept.push(ms); t += ms; }, slept };
}

describe("TransferGate", () => {
  it("lets a burst of transfers per minute through, then spaces them out", async () => {
    const c = fakeClock();
    const gate = new TransferGate({ concurrent: 10, transfersPerMinute: 2 }, c.now, c.sleep);
    for (let i = 0; i < 3; i++) (await gate.acquire(0))();
    expect(c.slept).toEqual([30_000]); // the third waits for one token at 2 per minute
  });
  it("limits bytes per second", async () => {
    const c = fakeClock();
    const gate = new TransferGate({ concurrent: 10, bytesPerSecond: 1000 }, c.now, c.sleep);
    (await gate.acquire(1000))();
    (await gate.acquire(500))();
    expect(c.slept).toEqual([500]);
  });
  it("runs at most N at once; a release lets the next one in", async () => {
    const gate = new TransferGate({ concurrent: 1 });
    const first = await gate.acquire(0);
    let secondIn = false;
    const second = gate.acquire(0).then((r) => { secondIn = true; return r; });
    await new Promise((r) => setImmediate(r));
    expect(secondIn).toBe(false);
    first();
    (await second)();
    expect(secondIn).toBe(true);
  });
  it("has no limits unless configured: 50 at once, none released, nobody waits", async () => {
    const c = fakeClock();
    const gate = new TransferGate({}, c.now, c.sleep);
    const held = [];
    for (let i = 0; i < 50; i++) held.push(await gate.acquire(1e9));
    expect(held).toHaveLength(50);
    expect(c.slept).toEqual([]);
    expect(gate.measuresBytes).toBe(false);
  });
});
