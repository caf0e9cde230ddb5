// A one-slot coalescing loop (git-annex's MSampleVar, Syncthing's 1-buffered pullScheduled):
// nudges that arrive while a pass runs collapse into one more pass, never into a replay of each.
// A pass that throws is logged with the loop's name and does not kill the loop.
import type { Logger } from "./log.js";
import { burstDecision, burstSent, pacedBy, type BurstRule, type BurstState, type SendState } from "./sync/burst.js";

export class CoalescingLoop {
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #waiters: Array<() => void> = [];

  constructor(readonly name: string, private readonly pass: () => Promise<void>, private readonly log: Logger) {}

  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      do {
        this.#again = false;
        try {
          await this.pass();
        } catch (e) {
          this.log.error("loop-crashed", { loop: this.name, error: (e as Error).message });
        }
      } while (this.#again && !this.#stopped);
    } finally {
      this.#running = null;
      for (const w of this.#waiters.splice(0)) w();
    }
  }

  get busy(): boolean { return this.#running !== null; }

  /** A nudge came while the pass runs: what it is working on may be out of date already. */
  get pending(): boolean { return this.#running !== null && this.#again; }

  /** Resolves when no pass is running or pending. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((r) => this.#waiters.push(r));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }
}

/**
 * The timer half of sync/burst.ts: `event()` acts at once on the first event after a quiet
 * spell, and on the events right behind it once their burst pauses (one act for the lot).
 * Wall time: it batches events as they happen, whatever clock records are stamped with.
 */
export class Batcher {
  #state: BurstState = { lastAt: -Infinity, heldSince: null };
  #timer: NodeJS.Timeout | null = null;

  /** `sends`: what the sender is doing, asked at each event: the rule follows how long a send
   * takes lately (burst.ts pacedBy: a slow machine's bursts are slow too), and an idle pipe ends
   * a burst (burstDecision). */
  constructor(private readonly rule: BurstRule, private readonly act: () => void, private readonly sends?: () => SendState) {}

  event(): void {
    const sends = this.sends?.();
    const { waitMs, next } = burstDecision(this.#state, Date.now(), sends ? pacedBy(this.rule, sends.ms) : this.rule, sends);
    this.#state = next;
    if (this.#timer) clearTimeout(this.#timer);
    if (next.heldSince === null) this.#fire();
    else this.#timer = setTimeout(() => this.#fire(), waitMs);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #fire(): void {
    this.#timer = null;
    this.#state = burstSent(this.#state);
    this.act();
  }
}
