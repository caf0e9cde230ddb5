// Pure: failed pushes as a map remote → last failure (git-annex's failedPushMap), empty when all is
// well. Success deletes the entry; a failure schedules the next attempt after a delay that starts
// at 2 s and doubles up to the interval (herald.retryInterval): a remote away for a few seconds (a
// hub restarting, a laptop's network coming back) is pushed to again seconds after it returns, not
// half an hour later, while one that stays away costs a try per interval. The backoff is between
// retries of one head: a new head goes to a failing remote at once (engine/head-router.ts) and,
// should it fail too, the wait starts again at 2 s; a sign the remote is back (a fetch from it
// worked, its node announced, the XMPP login returned) retries at once (push-retrier.ts).
// `firstFailure` stays until a push succeeds: it is "unreachable since" in status.
// State in, state out; `now` is passed in.

/** The first retry's delay; each failure after it doubles the delay, up to the interval. */
export const FIRST_RETRY_MS = 2000;

/** The longest wait after a push the remote refused (it is there, and others keep moving it). */
export const REFUSED_RETRY_MAX_MS = 30_000;

export function retryDelay(attempts: number, intervalMs: number): number {
  return Math.min(intervalMs, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/** A refused push (non-fast-forward after three rounds of fetch and merge, a peer's record not yet
 * emptied) means the remote is reachable and busy, not away: around a bare hub that seven clones
 * kept moving, one clone's attempts had grown its wait to 4 min, past the end of the storm, and the
 * clone stayed apart (npm run chaos, star7). Its wait grows only to REFUSED_RETRY_MAX_MS. */
function delayOf(e: Pick<RetryEntry, "attempts" | "refused">, intervalMs: number): number {
  return retryDelay(e.attempts, e.refused ? Math.min(intervalMs, REFUSED_RETRY_MAX_MS) : intervalMs);
}

export interface RetryEntry {
  firstFailure: number;
  lastFailure: number;
  attempts: number;
  nextAt: number;
  error: string;
  /** the last failure was the remote refusing the push, not failing to answer */
  refused?: boolean;
  /** the head that failed to go: a new one starts the backoff again */
  head?: string;
}
export type RetryQueue = Readonly<Record<string, RetryEntry>>;

export const emptyQueue: RetryQueue = {};

export function recordFailure(q: RetryQueue, remote: string, now: number, intervalMs: number, error: string, refused = false, head?: string): RetryQueue {
  const prev = q[remote];
  const attempts = prev && (head === undefined || prev.head === head) ? prev.attempts + 1 : 1;
  return {
    ...q,
    [remote]: {
      firstFailure: prev?.firstFailure ?? now,
      lastFailure: now,
      attempts,
      nextAt: now + delayOf({ attempts, refused }, intervalMs),
      error: error.slice(0, 500),
      ...(refused ? { refused } : {}),
      ...(head !== undefined ? { head } : {}),
    },
  };
}

/** Remotes of `remotes` that are queued, due now: a sign they are back. Their backoff stays (the
 * attempt may fail again); only the wait for it ends. */
export function bringForward(q: RetryQueue, remotes: readonly string[], now: number): RetryQueue {
  const hit = remotes.filter((r) => q[r] && q[r]!.nextAt > now);
  if (!hit.length) return q;
  const out: Record<string, RetryEntry> = { ...q };
  for (const r of hit) out[r] = { ...out[r]!, nextAt: now };
  return out;
}

export function recordSuccess(q: RetryQueue, remote: string): RetryQueue {
  if (!(remote in q)) return q;
  const { [remote]: _gone, ...rest } = q;
  return rest;
}

export function dueRemotes(q: RetryQueue, now: number): string[] {
  return Object.entries(q).filter(([, e]) => e.nextAt <= now).map(([r]) => r).sort();
}

/** When the retrier must wake next, or null when nothing is queued (then it sleeps: no polling). */
export function nextWake(q: RetryQueue): number | null {
  const times = Object.values(q).map((e) => e.nextAt);
  return times.length ? Math.min(...times) : null;
}

/** Parse a persisted queue, dropping anything malformed rather than failing the agent. */
export function parseQueue(json: unknown): RetryQueue {
  if (!json || typeof json !== "object") return emptyQueue;
  const out: Record<string, RetryEntry> = {};
  for (const [remote, e] of Object.entries(json as Record<string, unknown>)) {
    const r = e as Partial<RetryEntry> | null;
    if (r && [r.firstFailure, r.lastFailure, r.attempts, r.nextAt].every((n) => typeof n === "number" && Number.isFinite(n))) {
      out[remote] = { firstFailure: r.firstFailure!, lastFailure: r.lastFailure!, attempts: r.attempts!, nextAt: r.nextAt!, error: String(r.error ?? ""), ...(r.refused === true ? { refused: true } : {}), ...(typeof r.head === "string" ? { head: r.head } : {}) };
    }
  }
  return out;
}

/** Push the next attempt of `remotes` out by their next delay (they are being tried now). */
export function postpone(q: RetryQueue, remotes: string[], now: number, intervalMs: number): RetryQueue {
  const out: Record<string, RetryEntry> = { ...q };
  for (const r of remotes) if (out[r]) out[r] = { ...out[r]!, nextAt: now + delayOf({ ...out[r]!, attempts: out[r]!.attempts + 1 }, intervalMs) };
  return out;
}
