// PushRetrier: failed pushes are retried one interval later (herald.retryInterval, default 30 min,
// like git-annex's PushRetrier). The queue is persisted in .git/herald/retry-queue.json so it
// survives a restart. One timer, set to the next due entry: with nothing queued, nothing runs.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../log.js";
import { bringForward, dueRemotes, FIRST_RETRY_MS, emptyQueue, nextWake, parseQueue, postpone, recordFailure, recordSuccess, type RetryQueue } from "./retry-queue.js";

export class PushRetrier {
  #queue: RetryQueue = emptyQueue;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #saving: Promise<void> = Promise.resolve();
  /** when a sign last brought each remote's retry forward */
  #signs = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly retry: (remotes: string[]) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get queue(): RetryQueue { return this.#queue; }

  async load(): Promise<void> {
    const text = await readFile(this.file, "utf8").catch(() => null);
    if (text !== null) {
      try { this.#queue = parseQueue(JSON.parse(text)); } catch { this.#queue = emptyQueue; }
    }
    this.#schedule();
  }

  /** `refused`: the remote answered and turned the push down (retry-queue.ts: delayOf). `head`:
   * what failed to go (a new one starts the backoff again). */
  failed(remote: string, error: string, refused = false, head?: string): void {
    this.#queue = recordFailure(this.#queue, remote, this.now(), this.intervalMs, error, refused, head);
    this.log.info("retry-scheduled", { remote, at: new Date(this.#queue[remote]!.nextAt).toISOString(), attempts: this.#queue[remote]!.attempts });
    this.#persist();
  }

  /** A sign these remotes are back (`why`): those queued are retried now, not at their turn; at
   * most once per FIRST_RETRY_MS each, or a remote that answers XMPP but refuses git (a wrong
   * key) would be tried once per announcement its node makes. */
  back(remotes: readonly string[], why: string): void {
    if (this.#stopped) return;
    const now = this.now();
    const next = bringForward(this.#queue, remotes.filter((r) => now - (this.#signs.get(r) ?? -Infinity) >= FIRST_RETRY_MS), now);
    if (next === this.#queue) return;
    const brought = remotes.filter((r) => next[r] !== this.#queue[r]);
    for (const r of brought) this.#signs.set(r, now);
    this.log.info("remote-back", { remotes: brought, why });
    this.#queue = next;
    this.#fire();
  }

  succeeded(remote: string): void {
    const next = recordSuccess(this.#queue, remote);
    if (next === this.#queue) return;
    this.#queue = next;
    this.#persist();
  }


  #persist(): void {
    const snapshot = JSON.stringify(this.#queue, null, 1);
    this.#saving = this.#saving.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, snapshot);
      await rename(tmp, this.file);
    }).catch((e) => this.log.error("retry-queue-save-failed", { error: (e as Error).message }));
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const at = nextWake(this.#queue);
    if (at === null || this.#stopped) return;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - this.now()));
  }

  #fire(): void {
    this.#timer = null;
    const due = dueRemotes(this.#queue, this.now());
    if (due.length) {
      // Postpone first: a retry that cannot even start (paused, drive absent) must not spin.
      this.#queue = postpone(this.#queue, due, this.now(), this.intervalMs);
      this.log.info("retrying", { remotes: due });
      this.retry(due);
    }
    this.#persist();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#saving;
  }
}
