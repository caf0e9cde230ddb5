// When to send a local commit on. The first commit after a quiet spell goes out at once: that is
// the latency people feel. Commits right behind it (a script, a rebase, an autocommit storm) wait
// until the burst pauses and then go out as one push, but never wait longer than `maxMs` from the
// burst's start (git-annex's committer and Syncthing's watcher delay batch the same way).
// Pure: the caller owns the clock and the timer.

export interface BurstState {
  /** when the previous local commit was seen (ms) */
  lastAt: number;
  /** when the burst being held back started, or null when nothing is held back */
  heldSince: number | null;
}

export interface BurstRule { gapMs: number; maxMs: number }

export const LOCAL_BURST: BurstRule = { gapMs: 50, maxMs: 1000 };

/** For a commit seen at `now`: send at once (0) or hold it back for this many ms, and the new state. */
export function burstDecision(s: BurstState, now: number, rule: BurstRule = LOCAL_BURST): { waitMs: number; next: BurstState } {
  const inBurst = s.heldSince !== null || now - s.lastAt < rule.gapMs;
  if (!inBurst) return { waitMs: 0, next: { lastAt: now, heldSince: null } };
  const heldSince = s.heldSince ?? now;
  return { waitMs: Math.max(0, Math.min(rule.gapMs, heldSince + rule.maxMs - now)), next: { lastAt: now, heldSince } };
}
