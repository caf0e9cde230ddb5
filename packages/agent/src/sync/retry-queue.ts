// Pure: failed pushes as a map remote → last failure (git-annex's failedPushMap), empty when all is
// well. Success deletes the entry; a failure schedules the next attempt one interval later.
// State in, state out; `now` is passed in.

export interface RetryEntry {
  firstFailure: number;
  lastFailure: number;
  attempts: number;
  nextAt: number;
  error: string;
}
export type RetryQueue = Readonly<Record<string, RetryEntry>>;

export const emptyQueue: RetryQueue = {};

export function recordFailure(q: RetryQueue, remote: string, now: number, intervalMs: number, error: string): RetryQueue {
  const prev = q[remote];
  return {
    ...q,
    [remote]: {
      firstFailure: prev?.firstFailure ?? now,
      lastFailure: now,
      attempts: (prev?.attempts ?? 0) + 1,
      nextAt: now + intervalMs,
      error: error.slice(0, 500),
    },
  };
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
      out[remote] = { firstFailure: r.firstFailure!, lastFailure: r.lastFailure!, attempts: r.attempts!, nextAt: r.nextAt!, error: String(r.error ?? "") };
    }
  }
  return out;
}

/** Push the next attempt of `remotes` one interval out (they are being tried now). */
export function postpone(q: RetryQueue, remotes: string[], now: number, intervalMs: number): RetryQueue {
  const out: Record<string, RetryEntry> = { ...q };
  for (const r of remotes) if (out[r]) out[r] = { ...out[r]!, nextAt: now + intervalMs };
  return out;
}
