// Bursts, batched. Two rules, both pure (the caller owns the clock, the timer and the sends).
//
// Incoming refs (when to merge; merge-scheduler.ts): the first event after a quiet spell is acted
// on at once; events right behind it (every peer relaying the same merge) wait until they pause
// for `gapMs`, never longer than `maxMs` from the burst's start (burstDecision).
//
// Local heads (when to push; local-commits.ts): Nagle's rule. A new head goes out at once unless
// the send of the previous one is still in flight; one that comes meanwhile waits for it, and
// only the newest of those goes when it ends. Nothing is held for a time window: commits 300 ms
// apart each went at once only when they fell outside the old window's pace (npm run bench: a
// p95 of 549 ms on the pair, 1.1 s on star 10, where the floor's is near its p50). A script's
// commits do come while a push is in flight, and each such send deepens the burst by a level;
// from the second level on a held head also waits for the burst to pause or for a hold that
// doubles with each send (250 ms, 500 ms … up to 8 s), so a burst of 200 commits costs a
// handful of pushes whatever the machine's speed, and its last commit goes once it pauses.
// Only a head that came while a send was in flight (or right behind one, inside a burst) is
// ever held: commits made one at a time, each after the last arrived, never are.

export interface BurstState {
  /** when the previous event was seen (ms) */
  lastAt: number;
  /** when the burst being held back started, or null when nothing is held back */
  heldSince: number | null;
}

export interface BurstRule { gapMs: number; maxMs: number }

/** For an event seen at `now`: act at once (heldSince stays null) or in `waitMs`, and the new state. */
export function burstDecision(s: BurstState, now: number, rule: BurstRule): { waitMs: number; next: BurstState } {
  const inBurst = s.heldSince !== null || now - s.lastAt < rule.gapMs;
  if (!inBurst) return { waitMs: 0, next: { lastAt: now, heldSince: null } };
  const heldSince = s.heldSince ?? now;
  return { waitMs: Math.max(0, Math.min(rule.gapMs, heldSince + rule.maxMs - now)), next: { lastAt: now, heldSince } };
}

/** The state after the held burst was acted on (the timer fired). */
export function burstSent(s: BurstState): BurstState {
  return { ...s, heldSince: null };
}

export interface SendState {
  /** a send is running (its pushes have not all ended) */
  inFlight: boolean;
  /** when the oldest head now waiting came (ms), or null: none waits */
  heldSince: number | null;
  /** when the last head came (ms) */
  lastAt: number;
  /** when the last send ended (ms) */
  doneAt: number;
  /** sends in this burst that carried a held head (0: no burst going on) */
  level: number;
  /** the burst's pace: its recent intervals between heads (ms), slowly forgotten */
  pace?: number;
}

export interface SendRule {
  /** a held head at level 2 waits at most this long (doubling with each level) */
  holdMs: number;
  /** …up to this */
  maxHoldMs: number;
  /** the shortest pause that ends a burst */
  gapMs: number;
  /** the longest: heads this far apart are never one burst */
  quietMs: number;
}

export const LOCAL_SENDS: SendRule = { holdMs: 250, maxHoldMs: 8000, gapMs: 50, quietMs: 500 };

/** A head this close behind the end of a send is right behind it: a commit loop slower than a
 * push lands just after each push ends (one push per commit without this). Commits made one at a
 * time, each after the last arrived and a pause, come later: the bench's, 100 ms or more. */
const LINGER_MS = 75;
/** On a slow machine a burst's pauses and holds stretch with the time a send takes (up to these). */
const PAUSE_PER_SEND = 4;
const MAX_QUIET_MS = 2000;

export const idleSends: SendState = { inFlight: false, heldSince: null, lastAt: -Infinity, doneAt: -Infinity, level: 0 };

/** The rule, stretched by how long a send takes here now (`sendMs`, null before the first). */
function paced(rule: SendRule, sendMs: number | null): SendRule {
  if (!sendMs) return rule;
  const quietMs = Math.min(MAX_QUIET_MS, Math.max(rule.quietMs, PAUSE_PER_SEND * sendMs));
  const slower = quietMs / rule.quietMs;
  return { ...rule, quietMs, holdMs: rule.holdMs * slower, maxHoldMs: rule.maxHoldMs * slower };
}

/** The pause that ends a burst at this level: twice its pace, doubling with each level. */
function pauseOf(s: SendState, rule: SendRule): number {
  const base = Math.max(rule.gapMs, 2 * (s.pace ?? 0));
  return Math.min(rule.quietMs, base * 2 ** Math.max(0, s.level - 1));
}

/** Does a head at `now` belong to a send in flight or to the burst going on? */
function follows(s: SendState, now: number, rule: SendRule, sendMs: number | null): boolean {
  if (s.inFlight || s.heldSince !== null) return true;
  if (s.level === 0) return now - s.doneAt < LINGER_MS;
  return now - s.lastAt < pauseOf(s, rule);
}

/** A new head at `now`: send it now, or hold it (then ask releaseIn when to send). */
export function onHead(s: SendState, now: number, sendMs: number | null, r: SendRule = LOCAL_SENDS): { send: boolean; next: SendState } {
  const rule = paced(r, sendMs);
  const interval = now - s.lastAt;
  if (!follows(s, now, rule, sendMs)) {
    // Alone: at once, and whatever burst there was is over.
    return { send: true, next: { ...s, inFlight: true, lastAt: now, level: 0, pace: undefined } };
  }
  // The pace falls slowly: one long interval on a loaded machine must not end the burst.
  const pace = interval < rule.quietMs ? Math.max(interval, 0.8 * (s.pace ?? 0)) : s.pace;
  return { send: false, next: { ...s, lastAt: now, heldSince: s.heldSince ?? now, pace } };
}

/** The send in flight ended at `now`. */
export function onDone(s: SendState, now: number): SendState {
  return { ...s, inFlight: false, doneAt: now };
}

/** ms until the held head goes (0: now), or null: nothing held, or wait for the send in flight. */
export function releaseIn(s: SendState, now: number, sendMs: number | null, r: SendRule = LOCAL_SENDS): number | null {
  if (s.inFlight || s.heldSince === null) return null;
  // The first held send goes as soon as the one before it ended: Nagle's rule, no more.
  if (s.level === 0) return 0;
  const rule = paced(r, sendMs);
  const hold = Math.min(rule.maxHoldMs, rule.holdMs * 2 ** (s.level - 1));
  return Math.max(0, Math.min(s.heldSince + hold, s.lastAt + pauseOf(s, rule)) - now);
}

/** The held head was sent. */
export function onHeldSent(s: SendState): SendState {
  return { ...s, inFlight: true, heldSince: null, level: s.level + 1 };
}
