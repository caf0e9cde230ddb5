// Bursts, batched: used for local commits (when to push) and for incoming refs (when to merge).
// The first event after a quiet spell is acted on at once: that is the latency people feel.
// Events right behind it (a script's commits, every peer relaying the same merge) wait until the
// burst pauses for `gapMs` and are then handled as one, but never later than `maxMs` after the
// burst's start (git-annex's committer and Syncthing's watcher delay batch the same way).
// With `stretchToMs`, "right behind" follows the burst's own pace: a pause of twice the last
// interval (up to stretchToMs) ends it. A loaded machine makes a script's commits 60 ms apart
// instead of 8; a fixed 50 ms gap then saw no burst at all and pushed each commit by itself.
// With `maxToMs`, a burst that goes on after a send (nothing quiet for stretchToMs) is a long
// one: each send doubles both the hold (maxMs, 2·maxMs, 4·maxMs … up to maxToMs) and the pause
// that counts as its end (up to stretchToMs). The sends a burst makes then grow with the log of
// its length, so a slow machine (a longer burst, stalls between commits) sends about as often as
// a fast one. The pusher carries the rest: while a push is in flight, later heads wait for it and
// the next push takes the newest (pusher.ts).
// Pure: the caller owns the clock and the timer.

export interface BurstState {
  /** when the previous event was seen (ms) */
  lastAt: number;
  /** when the burst being held back started, or null when nothing is held back */
  heldSince: number | null;
  /** the burst's pace: its recent intervals between events (ms), slowly forgotten; when known */
  pace?: number;
  /** with maxToMs: sends made so far in this burst (0 or absent after a quiet spell) */
  sent?: number;
}

export interface BurstRule { gapMs: number; maxMs: number; stretchToMs?: number; maxToMs?: number }

/** A person's commits are seconds apart (never a burst); a script's under 250 ms apart, even on a
 * loaded machine. A long burst goes out after 0.5 s, 1 s, 2 s … then every 8 s. */
export const LOCAL_BURST: BurstRule = { gapMs: 50, maxMs: 500, stretchToMs: 500, maxToMs: 8000 };

/** A pause shorter than this many pushes' time is still inside a burst (pacedBy). */
const PUSHES_PER_PAUSE = 4;
/** …but never one longer than this: a person's commits, seconds apart, each go at once. */
const MAX_STRETCH_MS = 2000;

/** A slow machine's bursts are slow too: at a load of 40 a script's commits came 0.7 s apart,
 * past LOCAL_BURST's 0.5 s, so each looked like a person's and went alone (npm run bench: 103
 * pushes into each peer for 200 commits). Measured by what the machine does now, the time a push
 * takes (`pushMs`, null before the first), the pause that ends a burst stretches with it, and
 * every hold by the same factor (up to 4x). */
export function pacedBy(rule: BurstRule, pushMs: number | null): BurstRule {
  if (!rule.stretchToMs || !pushMs) return rule;
  const stretchToMs = Math.min(MAX_STRETCH_MS, Math.max(rule.stretchToMs, PUSHES_PER_PAUSE * pushMs));
  // Its holds grow by the same factor: the same burst lasts that much longer there.
  const slower = stretchToMs / rule.stretchToMs;
  return { ...rule, stretchToMs, maxMs: rule.maxMs * slower, ...(rule.maxToMs ? { maxToMs: rule.maxToMs * slower } : {}) };
}

/** How many sends this burst has made, as far as growth is concerned. */
function level(s: BurstState, rule: BurstRule): number {
  return rule.maxToMs ? (s.sent ?? 0) : 0;
}

/** The pause that ends a burst, given its pace and its sends so far. */
function gapOf(s: BurstState, rule: BurstRule): number {
  if (!rule.stretchToMs || s.pace === undefined) return rule.gapMs;
  const gap = Math.max(rule.gapMs, 2 * s.pace) * 2 ** Math.max(0, level(s, rule) - 1);
  return Math.min(rule.stretchToMs, gap);
}

/** How long a held burst may wait from its start. */
function holdOf(s: BurstState, rule: BurstRule): number {
  const k = Math.max(0, level(s, rule) - 1);
  return rule.maxToMs ? Math.min(rule.maxToMs, rule.maxMs * 2 ** k) : rule.maxMs;
}

/** What the sender is doing: whether anything is on its way, how long a send takes lately, and
 * how long nothing has been on its way. */
export interface SendState { busy: boolean; ms: number | null; idleMs: number }

/** An idle pipe (Nagle's algorithm, RFC 896): nothing on its way for this long (or half a send's
 * time, up to IDLE_PIPE_MAX_MS) is a quiet spell. A script's next commit comes within a few tens of
 * ms of a push ending (its commits come faster than its pushes); a person's quick commits and the
 * bench's come after the pushes went quiet, and were held for the burst's time window (p95 549 ms
 * on the pair). The cap: a hub's nine parallel pushes take 800 ms, and half of that held the
 * bench's commits on a star of 10 for 2 s. */
export const IDLE_PIPE_MS = 100;
export const IDLE_PIPE_MAX_MS = 200;

/** For an event seen at `now`: act at once (heldSince stays null) or in `waitMs`, and the new state.
 * `sends`: with nothing on its way for a while, the event starts afresh as after a quiet spell (a
 * send in flight, a dead remote's included, leaves the rule as it was). */
export function burstDecision(s: BurstState, now: number, rule: BurstRule = LOCAL_BURST, sends?: SendState): { waitMs: number; next: BurstState } {
  const interval = now - s.lastAt;
  if (sends && !sends.busy && sends.ms !== null && s.heldSince === null && sends.idleMs >= Math.max(IDLE_PIPE_MS, Math.min(IDLE_PIPE_MAX_MS, sends.ms / 2))) {
    return { waitMs: 0, next: { lastAt: now, heldSince: null, ...(rule.maxToMs ? { sent: 1 } : {}) } };
  }
  const gap = gapOf(s, rule);
  // Only an interval inside the stretch range tells the pace; a quiet spell forgets it. The pace
  // falls slowly (a loaded machine's intervals jitter: one long one must not end the burst).
  const inStretch = rule.stretchToMs !== undefined && interval < rule.stretchToMs;
  const pace = inStretch ? { pace: Math.max(interval, 0.8 * (s.pace ?? 0)) } : {};
  // A quiet spell (stretchToMs, or the gap without one) starts the count of sends afresh.
  const sentBefore = rule.maxToMs && inStretch ? (s.sent ?? 0) : 0;
  const sent = rule.maxToMs ? { sent: sentBefore } : {};
  const inBurst = s.heldSince !== null || interval < gap;
  if (!inBurst) return { waitMs: 0, next: { lastAt: now, heldSince: null, ...pace, ...(rule.maxToMs ? { sent: sentBefore + 1 } : {}) } };
  const heldSince = s.heldSince ?? now;
  const next = { lastAt: now, heldSince, ...pace, ...sent };
  return { waitMs: Math.max(0, Math.min(gapOf(next, rule), heldSince + holdOf(next, rule) - now)), next };
}

/** The state after the held burst was acted on (the timer fired). */
export function burstSent(s: BurstState): BurstState {
  return { ...s, heldSince: null, ...(s.sent !== undefined ? { sent: s.sent + 1 } : {}) };
}
