// When merges run. Incoming refs come in bursts (every peer relays a merge at once): the first
// after a quiet spell is merged at once, the ones right behind it together once the burst pauses
// (at most 150 ms late; merging each as it lands makes every node build a different intermediate
// merge and the mesh churns, Syncthing batches the same way). One pass at a time, nudges while it
// runs collapse into one more; a merge blocked by uncommitted edits is looked at again later,
// backing off from 1 s to the retry interval.
import type { Logger } from "../log.js";
import { Batcher, CoalescingLoop } from "../nudge.js";
import type { BurstRule } from "../sync/burst.js";
import type { Merger } from "../sync/merger.js";

const SETTLE: BurstRule = { gapMs: 5, maxMs: 150 };

export class MergeScheduler {
  #loop: CoalescingLoop;
  #settle: Batcher;
  #blockedTimer: NodeJS.Timeout | null = null;
  #blockedAttempt = 0;

  constructor(private readonly merger: Merger, private readonly maxBackoffMs: number, log: Logger) {
    this.#loop = new CoalescingLoop("merger", () => this.#pass(), log);
    this.#settle = new Batcher(SETTLE, () => this.#loop.nudge());
  }

  /** An incoming ref moved: merge now or with the rest of its burst. */
  incoming(): void { this.#settle.event(); }

  /** Merge as soon as possible (a local commit may unblock a merge; resume; start-up). */
  nudge(): void { this.#loop.nudge(); }

  /** Merge now and wait for the pass (HEAD moved; its conflict records may still be on their way). */
  async now(): Promise<void> {
    this.#loop.nudge();
    await this.#loop.idle();
  }

  get busy(): boolean { return this.#loop.busy; }

  /** No pass running or pending, and every merge's conflicts recorded. */
  async idle(): Promise<void> {
    await this.#loop.idle();
    await this.merger.recorded();
  }

  async #pass(): Promise<void> {
    const outcome = await this.merger.pass(() => this.#loop.pending);
    if (outcome === "retry") this.#loop.nudge();
    if (outcome === "blocked") this.#blockedRetry();
    else if (outcome !== "retry") this.#blockedAttempt = 0;
  }

  #blockedRetry(): void {
    if (this.#blockedTimer) return;
    const wait = Math.min(this.maxBackoffMs, 1000 * 2 ** this.#blockedAttempt++);
    this.#blockedTimer = setTimeout(() => { this.#blockedTimer = null; this.#loop.nudge(); }, wait);
  }

  async stop(): Promise<void> {
    if (this.#blockedTimer) clearTimeout(this.#blockedTimer);
    this.#settle.stop();
    await this.#loop.stop();
    await this.merger.recorded();
  }
}
