import { seededRandom } from "@herald/planner";
import { checkShape, Schedule, type LinkShape } from "./link-schedule.js";

const shaped = (s: Partial<LinkShape>, random = () => 0) =>
  new Schedule(() => ({ delayMs: 0, jitterMs: 0, bytesPerSecond: Infinity, ...s }), random);

describe("a link's schedule", () => {
  it("delays each chunk by the one-way delay", () => {
    const s = shaped({ delayMs: 40 });
    expect(s.arrival(1000, 100)).toBe(1040);
    expect(s.arrival(1005, 100)).toBe(1045);
  });

  it("caps the bandwidth: 1 MB sent at once at 2 MB/s has arrived after 0.5 s plus the delay", () => {
    const s = shaped({ delayMs: 10, bytesPerSecond: 2_000_000 });
    let last = 0;
    for (let sent = 0; sent < 1_000_000; sent += 50_000) last = s.arrival(0, 50_000);
    expect(last).toBeCloseTo(510, 6);
  });

  it("jitters within its bound but never lets a chunk overtake the one before", () => {
    const s = shaped({ delayMs: 20, jitterMs: 30 }, seededRandom(7));
    const times = Array.from({ length: 200 }, (_, i) => ({ sent: i, at: s.arrival(i, 10) }));
    for (let i = 1; i < times.length; i++) expect(times[i]!.at).toBeGreaterThanOrEqual(times[i - 1]!.at);
    for (const t of times) expect(t.at - t.sent).toBeGreaterThanOrEqual(20);
    const spread = times.map((t) => t.at - t.sent);
    expect(Math.max(...spread) - Math.min(...spread)).toBeGreaterThan(10); // jitter there is
    expect(Math.min(...spread)).toBeLessThan(50); // and bounded where nothing queues behind it
  });

  it("after an outage, what was queued arrives no sooner than one delay from the restore", () => {
    const s = shaped({ delayMs: 40 });
    s.arrival(0, 10);
    expect(s.restored(5000)).toBe(5040);
    expect(s.arrival(5000, 10)).toBe(5040); // nothing sent later may arrive before the queue
  });

  it("repeats its jitter for the same seed", () => {
    const a = seededRandom(42), b = seededRandom(42), c = seededRandom(43);
    const seq = (r: () => number) => Array.from({ length: 5 }, r);
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it("names a bad setting", () => {
    expect(() => checkShape({ delayMs: -1 })).toThrow("delayMs must be a finite number ≥ 0, not -1");
    expect(() => checkShape({ jitterMs: NaN })).toThrow("jitterMs");
    expect(() => checkShape({ bytesPerSecond: 0 })).toThrow("bytesPerSecond must be > 0");
    expect(checkShape({ delayMs: 0, bytesPerSecond: Infinity })).toEqual({ delayMs: 0, bytesPerSecond: Infinity });
  });
});
