// A small pure scheduler that paces the sends of transfer-schedule.ts. It never runs a transfer
// or a timer: the agent calls next(now), starts what it is told, reports back with
// complete/fail/progress, and sleeps until `wakeAtMs` (or until one of its transfers ends).
// Like git-annex's transfer queue, but the policy is data, not threads.
import { createBucket, spend, take, type Bucket } from "./token-bucket.js";
import type { Transfer } from "./transfer-schedule.js";

export interface ScheduledTransfer extends Transfer {
  id: string;
}

export interface SchedulerLimits {
  /** At most this many running transfers involve any one node, as sender or receiver (>= 1). */
  maxConcurrentPerNode: number;
  /** Bytes reported via progress/complete refill at this rate; no new start while in debt. */
  bytesPerSec?: number;
  /** Starts per minute, as a token bucket with a burst of one minute's worth. */
  transfersPerMin?: number;
}

export type SchedulerEvent =
  | { type: "queued" | "started" | "failed" | "cancelled"; at: number; transfer: ScheduledTransfer }
  | { type: "progress" | "done"; at: number; transfer: ScheduledTransfer; bytes: number }
  | { type: "paused" | "resumed"; at: number };

const endpoints = (t: Transfer) => new Set([t.from, t.to]);

function checkBytes(bytes: number): void {
  if (!(Number.isFinite(bytes) && bytes >= 0)) throw new RangeError(`bytes must be a finite number >= 0, got ${bytes}`);
}

const limited = (x: number | undefined): x is number => x !== undefined && x !== Infinity;

export class TransferScheduler {
  private readonly queue: ScheduledTransfer[] = [];
  private readonly running = new Map<string, { transfer: ScheduledTransfer; bytes: number }>();
  private readonly load = new Map<string, number>(); // node -> running transfers involving it
  private bytes: Bucket | null;
  private starts: Bucket | null;
  private paused = false;
  private seq = 0;

  constructor(
    private readonly limits: SchedulerLimits,
    now: number,
    private readonly onEvent: (event: SchedulerEvent) => void = () => {},
  ) {
    if (!Number.isInteger(limits.maxConcurrentPerNode) || limits.maxConcurrentPerNode < 1) {
      throw new RangeError(`maxConcurrentPerNode must be an integer >= 1, got ${limits.maxConcurrentPerNode}`);
    }
    const { bytesPerSec: b, transfersPerMin: t } = limits;
    this.bytes = limited(b) ? createBucket({ capacity: b, refillPerSec: b }, now) : null;
    this.starts = limited(t) ? createBucket({ capacity: Math.max(1, t), refillPerSec: t / 60 }, now) : null;
  }

  get queued(): readonly ScheduledTransfer[] {
    return [...this.queue];
  }

  get active(): readonly ScheduledTransfer[] {
    return [...this.running.values()].map((r) => r.transfer);
  }

  /**
   * Queues transfers in order; returns their ids. Coalesces: a transfer whose from/to pair is
   * already waiting is not queued twice (its id is returned). A pair that is running gets queued
   * again, since whatever prompted this enqueue may postdate the running send.
   */
  enqueue(transfers: Transfer[], now: number): string[] {
    return transfers.map((t) => {
      const waiting = this.queue.find((q) => q.from === t.from && q.to === t.to);
      if (waiting) return waiting.id;
      const transfer = Object.freeze({ id: `t${++this.seq}`, from: t.from, to: t.to, cost: t.cost });
      this.queue.push(transfer);
      this.onEvent({ type: "queued", at: now, transfer });
      return transfer.id;
    });
  }

  /**
   * Starts what the limits allow, in queue order. A transfer whose node is busy, or whose pair is
   * already running, is skipped (later ones may go); a rate limit stops the scan and sets
   * `wakeAtMs`. `wakeAtMs` is null when only an ending transfer (or resume) can unblock the
   * queue, or when it is empty.
   */
  next(now: number): { start: ScheduledTransfer[]; wakeAtMs: number | null } {
    const start: ScheduledTransfer[] = [];
    if (this.paused) return { start, wakeAtMs: null };
    const busy = (node: string) => (this.load.get(node) ?? 0) >= this.limits.maxConcurrentPerNode;
    for (let i = 0; i < this.queue.length; ) {
      const t = this.queue[i]!;
      if (busy(t.from) || busy(t.to) || this.isRunning(t)) {
        i++;
        continue;
      }
      const waitMs = this.admit(now);
      if (waitMs > 0) return { start, wakeAtMs: now + waitMs };
      this.queue.splice(i, 1);
      this.running.set(t.id, { transfer: t, bytes: 0 });
      for (const node of endpoints(t)) this.load.set(node, (this.load.get(node) ?? 0) + 1);
      start.push(t);
      this.onEvent({ type: "started", at: now, transfer: t });
    }
    return { start, wakeAtMs: null };
  }

  /** `bytes` is the running total sent so far; growth is charged to the byte budget. */
  progress(id: string, bytes: number, now: number): boolean {
    checkBytes(bytes);
    const r = this.running.get(id);
    if (!r) return false;
    this.charge(r, bytes, now);
    this.onEvent({ type: "progress", at: now, transfer: r.transfer, bytes: r.bytes });
    return true;
  }

  /** Returns false for an unknown id (e.g. a send that finished after it was cancelled). */
  complete(id: string, bytes: number, now: number): boolean {
    checkBytes(bytes);
    const r = this.finish(id);
    if (!r) return false;
    this.charge(r, bytes, now);
    this.onEvent({ type: "done", at: now, transfer: r.transfer, bytes: r.bytes });
    return true;
  }

  /** The transfer is dropped; retrying is the caller's policy (enqueue it again). */
  fail(id: string, now: number): boolean {
    const r = this.finish(id);
    if (r) this.onEvent({ type: "failed", at: now, transfer: r.transfer });
    return r !== undefined;
  }

  /** Removes a waiting or running transfer (the caller aborts a running one). */
  cancel(id: string, now: number): boolean {
    const i = this.queue.findIndex((q) => q.id === id);
    const transfer = i >= 0 ? this.queue.splice(i, 1)[0] : this.finish(id)?.transfer;
    if (transfer) this.onEvent({ type: "cancelled", at: now, transfer });
    return transfer !== undefined;
  }

  cancelAll(now: number): void {
    for (const t of [...this.running.values()].map((r) => r.transfer).concat(this.queue)) this.cancel(t.id, now);
  }

  /** Stops starting transfers; running ones carry on. */
  pause(now: number): void {
    if (this.paused) return;
    this.paused = true;
    this.onEvent({ type: "paused", at: now });
  }

  resume(now: number): void {
    if (!this.paused) return;
    this.paused = false;
    this.onEvent({ type: "resumed", at: now });
  }

  /** The same pair never runs twice at once: the second send waits for the first. */
  private isRunning(t: Transfer): boolean {
    for (const r of this.running.values()) if (r.transfer.from === t.from && r.transfer.to === t.to) return true;
    return false;
  }

  /** 0 when the rate limits let one more transfer start now (its start token is taken), else ms to wait. */
  private admit(now: number): number {
    if (this.bytes) {
      const r = take(this.bytes, 0, now); // 0 tokens: only "is the byte budget out of debt?"
      this.bytes = r.bucket;
      if (r.waitMs > 0) return r.waitMs;
    }
    if (this.starts) {
      const r = take(this.starts, 1, now);
      this.starts = r.bucket;
      if (r.waitMs > 0) return r.waitMs;
    }
    return 0;
  }

  private finish(id: string): { transfer: ScheduledTransfer; bytes: number } | undefined {
    const r = this.running.get(id);
    if (!r) return undefined;
    this.running.delete(id);
    for (const node of endpoints(r.transfer)) this.load.set(node, this.load.get(node)! - 1);
    return r;
  }

  private charge(r: { bytes: number }, total: number, now: number): void {
    if (total <= r.bytes) return;
    if (this.bytes) this.bytes = spend(this.bytes, total - r.bytes, now);
    r.bytes = total;
  }
}
