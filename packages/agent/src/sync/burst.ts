// Bursts, batched: used for local commits (when to push) and for incoming refs (when to merge).
// The first event after a quiet spell is acted on at once: that is the latency people feel.
// Events right behind it (a script's commits, every peer relaying the same merge) wait until the
// burst pauses for `gapMs` and are then handled as one, but never later than `maxMs` after the
// burst's start (git-annex's committer and Syncthing's watcher delay batch the same way).
// With `stretchToMs`, "right behind" follows the burst's own pace: a pause of twice the last
// interval (up to stretchToMs) ends it. A loaded machine makes a script's commits 60 ms apart
// instead of 8; a fixed 50 ms gap then saw no burst at all and pushed each commit by itself.
// Pure: the caller owns the clock and the timer.

export interface BurstState {
  /** when the previous event was seen (ms) */
  lastAt: number;
  /** when the burst being held back started, or null when nothing is held back */
  heldSince: number | null;
  /** the burst's pace: its recent intervals between events (ms), slowly forgotten; when known */
  pace?: number;
}

export interface BurstRule { gapMs: number; maxMs: number; stretchToMs?: number }

/** A person's commits are seconds apart (never a burst); a script's under 250 ms apart, even on a
 * loaded machine. A long burst goes out every 2 s. */
export const LOCAL_BURST: BurstRule = { gapMs: 50, maxMs: 2000, stretchToMs: 500 };

/** The pause that ends a burst, given its pace so far. */
function gapOf(s: BurstState, rule: BurstRule): number {
  if (!rule.stretchToMs || s.pace === undefined) return rule.gapMs;
  return Math.max(rule.gapMs, Math.min(rule.stretchToMs, 2 * s.pace));
}

/** For an event seen at `now`: act at once (heldSince stays null) or in `waitMs`, and the new state. */
export function burstDecision(s: BurstState, now: number, rule: BurstRule = LOCAL_BURST): { waitMs: number; next: BurstState } {
  const interval = now - s.lastAt;
  const gap = gapOf(s, rule);
  // Only an interval inside the stretch range tells the pace; a quiet spell forgets it. The pace
  // falls slowly (a loaded machine's intervals jitter: one long one must not end the burst).
  const pace = rule.stretchToMs && interval < rule.stretchToMs ? { pace: Math.max(interval, 0.8 * (s.pace ?? 0)) } : {};
  const inBurst = s.heldSince !== null || interval < gap;
  if (!inBurst) return { waitMs: 0, next: { lastAt: now, heldSince: null, ...pace } };
  const heldSince = s.heldSince ?? now;
  const next = { lastAt: now, heldSince, ...pace };
  return { waitMs: Math.max(0, Math.min(gapOf(next, rule), heldSince + rule.maxMs - now)), next };
}
