// TransferGate: the limits every push obeys, from the planner's pure token buckets: at most N
// transfers at once (when set), at most M per minute, at most B bytes per second (bursts up to one
// second's worth). The clock and the sleep are passed in; the buckets hold no timers.
import { createBucket, take, type Bucket } from "@herald/planner";

export interface GateLimits {
  /** transfers running at once (per this node); unset: no limit. git-annex's assistant, too,
   * pushes to every remote at once: a push of a commit is a few round trips, and in waves of N
   * the last of ten peers waited for three pushes in a row (npm run bench, star 10). */
  concurrent?: number;
  transfersPerMinute?: number;
  bytesPerSecond?: number;
}

export class TransferGate {
  #active = 0;
  #waiting: Array<() => void> = [];
  #transfers: Bucket | null;
  #bytes: Bucket | null;

  constructor(
    readonly limits: GateLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    const t = now();
    this.#transfers = limits.transfersPerMinute ? createBucket({ capacity: limits.transfersPerMinute, refillPerSec: limits.transfersPerMinute / 60 }, t) : null;
    this.#bytes = limits.bytesPerSecond ? createBucket({ capacity: limits.bytesPerSecond, refillPerSec: limits.bytesPerSecond }, t) : null;
  }

  get measuresBytes(): boolean { return this.#bytes !== null; }

  /** Waits for a slot and for tokens; returns the release function. `onWait` hears each wait. */
  async acquire(bytes: number, onWait?: (ms: number, why: string) => void): Promise<() => void> {
    while (this.#active >= (this.limits.concurrent ?? Infinity)) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiting.shift()?.();
    };
    try {
      await this.#drain("transfers per minute", () => this.#transfers, (b) => (this.#transfers = b), 1, onWait);
      await this.#drain("bytes per second", () => this.#bytes, (b) => (this.#bytes = b), bytes, onWait);
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }

  async #drain(why: string, get: () => Bucket | null, set: (b: Bucket) => void, n: number, onWait?: (ms: number, why: string) => void): Promise<void> {
    for (;;) {
      const b = get();
      if (!b) return;
      const r = take(b, n, this.now());
      set(r.bucket);
      if (r.waitMs === 0) return;
      onWait?.(r.waitMs, why);
      await this.sleep(r.waitMs);
    }
  }
}
