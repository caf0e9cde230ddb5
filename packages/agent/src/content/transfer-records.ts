// Pure: the transfer records `herald transfers` lists and .git/herald/transfers.json keeps, and
// the retry backoff of a failed one (doubling from 1 s, capped at 5 min, like the push retrier's
// p-retry schedule). A record's id is direction, remote and key: one transfer of one key to (or
// from) one remote at a time, since git-annex refuses a second one (its transfer lock).
import { isAnnexKey, isSafePath } from "./keys.js";

export type TransferState = "queued" | "running" | "paused" | "done" | "skipped" | "failed" | "cancelled";

export interface TransferRecord {
  id: string;
  key: string;
  path: string;
  direction: "to" | "from";
  remote: string;
  cost: number;
  state: TransferState;
  bytes: number;
  total: number | null;
  /** bytes per second over the running transfer */
  rate: number | null;
  startedAt: number | null;
  endedAt: number | null;
  attempts: number;
  nextTry: number | null;
  error: string | null;
}

export const transferId = (direction: "to" | "from", remote: string, key: string) => `${direction} ${remote} ${key}`;

export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** Seconds left at the current rate, or null when unknown. */
export function secondsLeft(r: Pick<TransferRecord, "bytes" | "total" | "rate">): number | null {
  return r.total !== null && r.rate ? Math.max(0, Math.round((r.total - r.bytes) / r.rate)) : null;
}

/** What survives a restart: unfinished records (a running one is queued again: it resumes), and
 * cancelled ones, so that a restart does not send what was cancelled. */
export function persistable(records: TransferRecord[]): TransferRecord[] {
  return records.filter((r) => ["queued", "running", "paused", "failed", "cancelled"].includes(r.state)).map((r) => (r.state === "running" ? { ...r, state: "queued", rate: null } : r));
}

/** A persisted list, dropping anything malformed (the file is ours, but it may be damaged). */
export function parseRecords(json: unknown): TransferRecord[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((x): TransferRecord[] => {
    const r = x as Partial<TransferRecord> | null;
    if (!r || typeof r.key !== "string" || !isAnnexKey(r.key) || typeof r.path !== "string" || !isSafePath(r.path)) return [];
    if ((r.direction !== "to" && r.direction !== "from") || typeof r.remote !== "string" || !/^[A-Za-z0-9._-]+$/.test(r.remote)) return [];
    const state = r.state === "paused" || r.state === "failed" || r.state === "cancelled" ? r.state : "queued";
    const num = (n: unknown, d: number) => (typeof n === "number" && Number.isFinite(n) ? n : d);
    return [{
      id: transferId(r.direction, r.remote, r.key), key: r.key, path: r.path, direction: r.direction, remote: r.remote,
      cost: num(r.cost, 0), state, bytes: num(r.bytes, 0), total: typeof r.total === "number" ? r.total : null, rate: null,
      startedAt: null, endedAt: null, attempts: num(r.attempts, 0), nextTry: typeof r.nextTry === "number" ? r.nextTry : null,
      error: typeof r.error === "string" ? r.error : null,
    }];
  });
}
