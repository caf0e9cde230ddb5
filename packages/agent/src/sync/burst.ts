// Bursts, batched: used for local commits (when to push) and for incoming refs (when to merge).
// The first event after a quiet spell is acted on at once: that is the latency people feel.
// Events right behind it (a script's commits, every peer relaying the same merge) wait until the
// burst pauses for `gapMs` and are then handled as one, but never later than `maxMs` after the
// burst's start (git-annex's committer and Syncthing's watcher delay batch the same way).
// Pure: the caller owns the clock and the timer.

export interface BurstState {
  /** when the previous event was seen (ms) */
  lastAt: number;
  /** when the burst being held back started, or null when nothing is held back */
  heldSince: number | null;
}

export interface BurstRule { gapMs: number; maxMs: number }

export const LOCAL_BURST: BurstRule = { gapMs: 50, maxMs: 1000 };

/** For an event seen at `now`: act at once (heldSince stays null) or in `waitMs`, and the new state. */
export function burstDecision(s: BurstState, now: number, rule: BurstRule = LOCAL_BURST): { waitMs: number; next: BurstState } {
  const inBurst = s.heldSince !== null || now - s.lastAt < rule.gapMs;
  if (!inBurst) return { waitMs: 0, next: { lastAt: now, heldSince: null } };
  const heldSince = s.heldSince ?? now;
  return { waitMs: Math.max(0, Math.min(rule.gapMs, heldSince + rule.maxMs - now)), next: { lastAt: now, heldSince } };
}
