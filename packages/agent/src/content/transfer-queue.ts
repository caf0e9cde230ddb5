// The content transfers of one clone: queued, running, paused, done, failed. The planner's pure
// TransferScheduler decides when each may start (herald.maxConcurrentTransfers at once, no new
// start while over herald.maxBytesPerSecond, one transfer per key and remote at a time); this
// part runs them (transfer-runner.ts), keeps the records, retries failures with backoff (one
// timer, no polling) and persists what is unfinished in .git/herald/transfers.json. A pause of
// all (herald transfers pause --all) holds back what comes later too, across a restart: its mark
// is a file beside, removed by resume --all.
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { TransferScheduler } from "@herald/planner";
import type { Logger } from "../log.js";
import { backoffMs, transferId, type TransferRecord } from "./transfer-records.js";
import { TransferStore } from "./transfer-store.js";
import type { TransferJob, TransferOutcome } from "./transfer-runner.js";

export interface QueueDeps {
  file: string;
  limits: { concurrent: number; bytesPerSecond?: number };
  run: (job: TransferJob, onProgress: (bytes: number, total: number | null) => void, signal: AbortSignal) => Promise<TransferOutcome>;
  /** a transfer ended (done, skipped or failed) */
  onEnd: (r: TransferRecord) => void;
  log: Logger;
  now?: () => number;
}

const SELF = "self"; // the scheduler counts transfers per node: every transfer here involves this one
const KEEP_ENDED = 200;

export class TransferQueue {
  #records = new Map<string, TransferRecord>();
  #sched: TransferScheduler;
  #bySid = new Map<string, string>();
  #sidOf = new Map<string, string>();
  #aborts = new Map<string, AbortController>();
  #runs = new Set<Promise<void>>();
  #wake: NodeJS.Timeout | null = null;
  #retry: NodeJS.Timeout | null = null;
  #stopped = false;
  #pausedAll = false;
  readonly #now: () => number;
  readonly #store: TransferStore;

  constructor(private readonly d: QueueDeps) {
    this.#now = d.now ?? Date.now;
    this.#store = new TransferStore(d.file, d.log);
    this.#sched = new TransferScheduler({ maxConcurrentPerNode: Math.max(1, d.limits.concurrent), ...(d.limits.bytesPerSecond ? { bytesPerSec: d.limits.bytesPerSecond } : {}) }, this.#now());
  }

  /** The mark of a pause of all transfers (present: paused). */
  get #pauseMark(): string { return join(dirname(this.d.file), "transfers-paused"); }

  async load(): Promise<void> {
    if (existsSync(this.#pauseMark)) { this.#sched.pause(this.#now()); this.#pausedAll = true; }
    for (const r of await this.#store.load()) {
      this.#records.set(r.id, r);
      if (r.state === "queued") this.#enqueue(r);
    }
    this.#armRetry(); // failed ones keep their next try across the restart
    this.#pump();
  }

  get paused(): boolean { return this.#pausedAll; }

  list(): TransferRecord[] { return [...this.#records.values()].map((r) => ({ ...r })); }

  /** Queue one transfer, unless one for this key and remote is already queued, running or done
   * (`overCancel`: also when it was cancelled; a new commit bringing the key asks again). */
  add(t: Pick<TransferRecord, "key" | "path" | "direction" | "remote" | "cost">, overCancel = true): void {
    const id = transferId(t.direction, t.remote, t.key);
    const known = this.#records.get(id);
    if (known && !(overCancel && known.state === "cancelled")) return;
    const r: TransferRecord = { ...t, id, state: "queued", bytes: 0, total: null, rate: null, startedAt: null, endedAt: null, attempts: 0, nextTry: null, error: null };
    this.#records.set(id, r);
    this.#enqueue(r);
    this.#pump();
    void this.#save();
  }

  /** Pause, resume or cancel the transfers of `key` (null: all; a pause of all also holds back
   * transfers queued later, until resume). A running one is stopped now. */
  control(action: "pause" | "resume" | "cancel", key: string | null): number {
    let n = 0;
    if (key === null && action !== "cancel") {
      this.#sched[action](this.#now());
      this.#pausedAll = action === "pause";
      const mark = this.#pausedAll ? writeFile(this.#pauseMark, "herald transfers resume --all removes this\n", { mode: 0o600 }) : rm(this.#pauseMark, { force: true });
      void mark.catch((e: Error) => this.d.log.warn("transfers-pause-mark-failed", { error: e.message, why: "a restart will not keep transfers paused" }));
    }
    for (const r of this.#records.values()) {
      if (key !== null && r.key !== key) continue;
      if (action === "resume" ? r.state !== "paused" : !["queued", "running", "failed"].includes(r.state)) continue;
      n++;
      if (action === "resume") { r.state = "queued"; r.nextTry = null; this.#enqueue(r); continue; }
      const sid = this.#sidOf.get(r.id);
      if (sid) { this.#sched.cancel(sid, this.#now()); this.#forget(r.id); }
      this.#aborts.get(r.id)?.abort();
      r.state = action === "pause" ? "paused" : "cancelled";
      r.rate = null;
    }
    this.#pump();
    void this.#save();
    return n;
  }

  #enqueue(r: TransferRecord): void {
    const [sid] = this.#sched.enqueue([{ from: SELF, to: r.id, cost: r.cost }], this.#now());
    this.#bySid.set(sid!, r.id);
    this.#sidOf.set(r.id, sid!);
  }

  #forget(id: string): void {
    const sid = this.#sidOf.get(id);
    if (sid) this.#bySid.delete(sid);
    this.#sidOf.delete(id);
  }

  #pump(): void {
    if (this.#stopped) return;
    const { start, wakeAtMs } = this.#sched.next(this.#now());
    for (const s of start) {
      const r = this.#records.get(this.#bySid.get(s.id)!);
      if (r) this.#start(r, s.id);
    }
    if (this.#wake) clearTimeout(this.#wake);
    this.#wake = wakeAtMs === null ? null : setTimeout(() => this.#pump(), Math.max(0, wakeAtMs - this.#now()));
  }

  #start(r: TransferRecord, sid: string): void {
    const abort = new AbortController();
    this.#aborts.set(r.id, abort);
    Object.assign(r, { state: "running", startedAt: this.#now(), rate: null, error: null });
    const from = r.bytes;
    this.d.log.info("transfer-started", { key: r.key, direction: r.direction, remote: r.remote, attempt: r.attempts + 1 });
    // annex.bwlimit holds per git-annex process: a share of the limit each, so that all the
    // transfers allowed at once stay under herald.maxBytesPerSecond together.
    const { bytesPerSecond: bps, concurrent } = this.d.limits;
    const job: TransferJob = { key: r.key, path: r.path, direction: r.direction, remote: r.remote, ...(bps ? { bwlimit: bps / Math.max(1, concurrent) } : {}) };
    const run = this.d.run(job, (bytes, total) => {
      r.bytes = bytes;
      r.total = total;
      const secs = (this.#now() - r.startedAt!) / 1000;
      r.rate = secs > 0 ? Math.max(0, bytes - from) / secs : null;
      this.#sched.progress(sid, bytes, this.#now());
    }, abort.signal).then((out) => this.#ended(r, sid, out))
      .catch((e: Error) => this.#ended(r, sid, { result: "failed", error: e.message }))
      // Only our own controller: a pause and a resume in one tick start the next run before this one ends.
      .finally(() => { if (this.#aborts.get(r.id) === abort) this.#aborts.delete(r.id); this.#runs.delete(run); });
    this.#runs.add(run);
  }

  #ended(r: TransferRecord, sid: string, out: TransferOutcome): void {
    const now = this.#now();
    if (out.result === "stopped") return; // paused or cancelled: control() set the state
    this.#forget(r.id);
    r.endedAt = now;
    r.rate = null;
    r.attempts++;
    if (out.result === "failed") {
      this.#sched.fail(sid, now);
      Object.assign(r, { state: "failed", error: out.error, nextTry: now + backoffMs(r.attempts) });
      this.d.log.warn("transfer-failed", { key: r.key, direction: r.direction, remote: r.remote, error: out.error, retryInMs: backoffMs(r.attempts) });
    } else {
      this.#sched.complete(sid, out.result === "done" ? out.bytes : 0, now);
      Object.assign(r, { state: out.result, nextTry: null, error: null, ...(out.result === "done" ? { bytes: out.bytes } : {}) });
      this.d.log.info(out.result === "done" ? "transfer-done" : "transfer-skipped", { key: r.key, direction: r.direction, remote: r.remote, cost: r.cost, bytes: out.result === "done" ? out.bytes : 0 });
    }
    this.#trim();
    this.#armRetry();
    this.#pump();
    void this.#save();
    this.d.onEnd({ ...r });
  }

  /** Try failed transfers from `remote` now, not at their backoff time (news that it has them). */
  retryNow(direction: "to" | "from"): void {
    let n = 0;
    for (const r of this.#records.values()) if (r.state === "failed" && r.direction === direction) { r.state = "queued"; r.nextTry = null; this.#enqueue(r); n++; }
    if (!n) return;
    this.#armRetry();
    this.#pump();
  }

  /** One timer for the earliest failed transfer's next try. */
  #armRetry(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    if (this.#stopped) return;
    const due = [...this.#records.values()].filter((r) => r.state === "failed" && r.nextTry !== null).map((r) => r.nextTry!);
    if (!due.length) return;
    this.#retry = setTimeout(() => {
      for (const r of this.#records.values()) if (r.state === "failed" && r.nextTry !== null && r.nextTry <= this.#now()) { r.state = "queued"; this.#enqueue(r); }
      this.#armRetry();
      this.#pump();
    }, Math.max(0, Math.min(...due) - this.#now()));
  }

  /** Ended records are kept for `herald transfers`, the newest KEEP_ENDED. */
  #trim(): void {
    const ended = [...this.#records.values()].filter((r) => ["done", "skipped", "cancelled"].includes(r.state));
    for (const r of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.#records.delete(r.id);
  }

  #save(): Promise<void> { return this.#store.save(this.list()); }

  /** a transfer is running */
  get busy(): boolean { return this.#runs.size > 0; }

  async idle(): Promise<void> {
    while (this.#runs.size) await Promise.all([...this.#runs]);
  }

  /** Stops running transfers (git-annex keeps their partial content) and saves them as queued. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#wake) clearTimeout(this.#wake);
    if (this.#retry) clearTimeout(this.#retry);
    await this.#save(); // running ones are saved as queued
    for (const a of this.#aborts.values()) a.abort();
    await Promise.all([...this.#runs]);
    await this.#save();
  }
}
