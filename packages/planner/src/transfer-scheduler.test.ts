import { describe, expect, test } from "@jest/globals";
import { TransferScheduler, type SchedulerEvent, type SchedulerLimits } from "./transfer-scheduler.js";

const T0 = 50_000;
const to = (...peers: string[]) => peers.map((p, i) => ({ from: "me", to: p, cost: 100 + i }));

function scheduler(limits: SchedulerLimits) {
  const events: SchedulerEvent[] = [];
  const s = new TransferScheduler(limits, T0, (e) => events.push(e));
  const log = () => events.map((e) => ("transfer" in e ? `${e.type} ${e.transfer.to}` : e.type));
  const startedAt = (now: number) => s.next(now).start.map((t) => t.to);
  return { s, events, log, startedAt };
}

describe("TransferScheduler", () => {
  test("starts in queue order up to maxConcurrentPerNode; an ending transfer frees the slot", () => {
    const { s, startedAt } = scheduler({ maxConcurrentPerNode: 2 });
    const [a] = s.enqueue(to("a", "b", "c"), T0);
    expect(s.next(T0)).toEqual({ start: [expect.objectContaining({ to: "a" }), expect.objectContaining({ to: "b" })], wakeAtMs: null });
    expect(startedAt(T0)).toEqual([]);
    expect(s.complete(a!, 10, T0 + 5)).toBe(true);
    expect(startedAt(T0 + 5)).toEqual(["c"]);
    expect(s.queued).toEqual([]);
    expect(s.active.map((t) => t.to).sort()).toEqual(["b", "c"]);
  });

  test("the limit counts receivers too: a busy receiver is skipped, later transfers still go", () => {
    const { s } = scheduler({ maxConcurrentPerNode: 1 });
    s.enqueue([{ from: "x", to: "hub", cost: 1 }, { from: "y", to: "hub", cost: 1 }, { from: "y", to: "z", cost: 1 }], T0);
    expect(s.next(T0).start.map((t) => `${t.from}>${t.to}`)).toEqual(["x>hub", "y>z"]);
  });

  test("coalesces a pair that is already waiting; a running pair is queued again but never runs twice at once", () => {
    const { s, startedAt } = scheduler({ maxConcurrentPerNode: 5 });
    const [first] = s.enqueue(to("a"), T0);
    expect(s.enqueue(to("a"), T0)).toEqual([first]);
    expect(startedAt(T0)).toEqual(["a"]);
    const [second] = s.enqueue(to("a"), T0 + 1);
    expect(second).not.toBe(first);
    expect(s.enqueue(to("a"), T0 + 2)).toEqual([second]);
    expect(startedAt(T0 + 3)).toEqual([]); // waits for the running send to the same peer
    s.fail(first!, T0 + 4);
    expect(startedAt(T0 + 4)).toEqual(["a"]);
  });

  test("transfersPerMin paces starts and says when to wake", () => {
    const { s, startedAt } = scheduler({ maxConcurrentPerNode: 10, transfersPerMin: 2 });
    s.enqueue(to("a", "b", "c"), T0);
    const first = s.next(T0);
    expect(first.start.map((t) => t.to)).toEqual(["a", "b"]); // a burst of one minute's worth
    expect(first.wakeAtMs).toBe(T0 + 30_000); // one start per 30 s after that
    expect(startedAt(T0 + 29_999)).toEqual([]);
    expect(startedAt(T0 + 30_000)).toEqual(["c"]);
  });

  test("bytesPerSec: reported bytes put the budget in debt, which holds back new starts", () => {
    const { s, startedAt } = scheduler({ maxConcurrentPerNode: 1, bytesPerSec: 1000 });
    const [a] = s.enqueue(to("a", "b"), T0);
    expect(startedAt(T0)).toEqual(["a"]);
    expect(s.progress(a!, 2000, T0 + 100)).toBe(true);
    expect(s.progress(a!, 1500, T0 + 150)).toBe(true); // totals never go back: no refund
    s.complete(a!, 3000, T0 + 200); // 3000 bytes against a full 1000-byte budget + 100 refilled
    const blocked = s.next(T0 + 200);
    expect(blocked.start).toEqual([]);
    expect(blocked.wakeAtMs).toBe(T0 + 200 + 1900); // 1900 bytes of debt at 1000/s
    expect(startedAt(T0 + 2099)).toEqual([]);
    expect(startedAt(T0 + 2100)).toEqual(["b"]);
  });

  test("pause stops new starts (running ones continue); resume lets them go; repeated calls are no-ops", () => {
    const { s, log, startedAt } = scheduler({ maxConcurrentPerNode: 1 });
    const [a] = s.enqueue(to("a", "b"), T0);
    expect(startedAt(T0)).toEqual(["a"]);
    s.pause(T0 + 1);
    s.pause(T0 + 2);
    expect(s.complete(a!, 1, T0 + 3)).toBe(true);
    expect(s.next(T0 + 4)).toEqual({ start: [], wakeAtMs: null });
    s.resume(T0 + 5);
    s.resume(T0 + 6);
    expect(startedAt(T0 + 7)).toEqual(["b"]);
    expect(log()).toEqual(["queued a", "queued b", "started a", "paused", "done a", "resumed", "started b"]);
  });

  test("cancel removes waiting or running transfers; late reports for them are ignored", () => {
    const { s, log, startedAt } = scheduler({ maxConcurrentPerNode: 1 });
    const [a, b] = s.enqueue(to("a", "b", "c"), T0);
    startedAt(T0);
    expect(s.cancel(b!, T0 + 1)).toBe(true);
    expect(s.cancel(a!, T0 + 2)).toBe(true);
    expect(s.cancel(a!, T0 + 3)).toBe(false);
    expect(s.complete(a!, 100, T0 + 4)).toBe(false);
    expect(s.fail(a!, T0 + 4)).toBe(false);
    expect(s.progress(a!, 100, T0 + 4)).toBe(false);
    expect(startedAt(T0 + 5)).toEqual(["c"]);
    s.enqueue(to("d"), T0 + 6);
    s.cancelAll(T0 + 7);
    expect([s.queued, s.active]).toEqual([[], []]);
    expect(log().slice(4)).toEqual(["cancelled b", "cancelled a", "started c", "queued d", "cancelled c", "cancelled d"]);
  });

  test("events carry the time they were reported at, and done carries the byte total", () => {
    const { s, events } = scheduler({ maxConcurrentPerNode: 1 });
    const [a] = s.enqueue(to("a"), T0);
    s.next(T0 + 1);
    s.progress(a!, 10, T0 + 2);
    s.complete(a!, 25, T0 + 3);
    expect(events.map((e) => [e.type, e.at, "bytes" in e ? e.bytes : null])).toEqual([
      ["queued", T0, null], ["started", T0 + 1, null], ["progress", T0 + 2, 10], ["done", T0 + 3, 25],
    ]);
  });

  test("rejects nonsense limits and byte counts", () => {
    expect(() => new TransferScheduler({ maxConcurrentPerNode: 0 }, T0)).toThrow(RangeError);
    expect(() => new TransferScheduler({ maxConcurrentPerNode: 1.5 }, T0)).toThrow(RangeError);
    expect(() => new TransferScheduler({ maxConcurrentPerNode: 1, bytesPerSec: -1 }, T0)).toThrow(RangeError);
    const s = new TransferScheduler({ maxConcurrentPerNode: 1, transfersPerMin: Infinity }, T0);
    const [a] = s.enqueue(to("a"), T0);
    s.next(T0);
    expect(() => s.complete(a!, NaN, T0)).toThrow(RangeError);
    expect(s.active).toHaveLength(1); // a rejected report changes nothing
  });
});
