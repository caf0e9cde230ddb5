// A one-slot coalescing loop (git-annex's MSampleVar, Syncthing's 1-buffered pullScheduled):
// nudges that arrive while a pass runs collapse into one more pass, never into a replay of each.
// A pass that throws is logged with the loop's name and does not kill the loop.
import type { Logger } from "./log.js";
import { burstDecision, burstSent, idleSends, onDone, onHead, onHeldSent, releaseIn, type BurstRule, type BurstState, type SendState } from "./sync/burst.js";

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

  constructor(private readonly rule: BurstRule, private readonly act: () => void) {}

  event(): void {
    const { waitMs, next } = burstDecision(this.#state, Date.now(), this.rule);
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

/**
 * The timer half of sync/burst.ts's rule for local heads (Nagle's): `event()` sends at once
 * unless a send is in flight; heads meanwhile are held and the newest goes when it ends (or, in a
 * long burst, when the burst pauses). `send` resolves when the send has ended.
 */
export class NagleSender {
  #state: SendState = idleSends;
  #timer: NodeJS.Timeout | null = null;
  /** how long a send takes here lately (ms), each new one weighing half; null before the first */
  #sendMs: number | null = null;
  #stopped = false;

  constructor(private readonly send: () => Promise<void>) {}

  event(): void {
    if (this.#stopped) return;
    const { send, next } = onHead(this.#state, Date.now(), this.#sendMs);
    this.#state = next;
    if (send) this.#run();
    else this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const wait = releaseIn(this.#state, Date.now(), this.#sendMs);
    if (wait === null || this.#stopped) return; // nothing held, or the send in flight ends first
    if (wait === 0) return this.#fire();
    this.#timer = setTimeout(() => this.#fire(), wait);
  }

  #fire(): void {
    this.#timer = null;
    this.#state = onHeldSent(this.#state);
    this.#run();
  }

  /** Runs a send (the state already says it is in flight); when it ends, what is held may go. */
  #run(): void {
    const t0 = Date.now();
    // A failed send is the pusher's to record and retry; here it has ended all the same.
    void this.send().catch(() => undefined).then(() => {
      const ms = Date.now() - t0;
      this.#sendMs = this.#sendMs === null ? ms : (this.#sendMs + ms) / 2;
      this.#state = onDone(this.#state, Date.now());
      this.#schedule();
    });
  }
}
