// A pure token bucket: state in, state out, the clock passed in as `now` (ms). Tokens refill
// continuously at `refillPerSec` up to `capacity`; a request for n tokens is granted when n are
// there. The caller sleeps `waitMs` and asks again; nothing here reads a clock or sets a timer.
//
// Rules worth knowing:
//   - Oversized requests (n > capacity) could never be granted under the plain rule. They are
//     granted once the bucket is full and leave it in debt (tokens = capacity - n < 0), so a big
//     request still goes through and the long-run rate still holds: the debt is repaid before
//     anything else is granted.
//   - take(b, 0, now) asks "is the bucket out of debt?": granted unless tokens < 0.
//   - spend() records usage that already happened (bytes already sent): it never refuses and may
//     put the bucket in debt.
//   - A clock that goes backwards refills nothing; it never un-refills.

export interface BucketConfig {
  capacity: number; // largest burst, in tokens (> 0)
  refillPerSec: number; // tokens per second (> 0)
}

export interface Bucket extends BucketConfig {
  readonly tokens: number; // may be negative: debt from an oversized request or spend()
  readonly updatedAt: number; // ms, the `now` the tokens were counted at
}

// Float slack: a request is granted up to a nanosecond early, so rounding can neither make the
// computed wait one ms too long nor leave the refilled count a hair short after waiting it.
const SLACK_MS = 1e-6;

function check(config: BucketConfig): void {
  const ok = (x: number) => Number.isFinite(x) && x > 0;
  if (!ok(config.capacity) || !ok(config.refillPerSec)) {
    throw new RangeError(`token bucket needs capacity and refillPerSec > 0, got ${config.capacity} and ${config.refillPerSec}`);
  }
}

/** A full bucket. */
export function createBucket(config: BucketConfig, now: number): Bucket {
  check(config);
  return { capacity: config.capacity, refillPerSec: config.refillPerSec, tokens: config.capacity, updatedAt: now };
}

/** The bucket as of `now`: refilled for the time passed, never above capacity. */
export function refill(bucket: Bucket, now: number): Bucket {
  if (now <= bucket.updatedAt) return bucket;
  const tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.updatedAt) * bucket.refillPerSec) / 1000);
  return { ...bucket, tokens, updatedAt: now };
}

/**
 * Asks for n tokens. Granted: `waitMs` 0 and the tokens are gone. Refused: the bucket is only
 * refilled, and `waitMs` (>= 1) is how long until this same request would be granted.
 */
export function take(bucket: Bucket, n: number, now: number): { bucket: Bucket; waitMs: number } {
  if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`token count must be a finite number >= 0, got ${n}`);
  const b = refill(bucket, now);
  const need = Math.min(n, b.capacity); // oversized requests wait only for a full bucket
  if (b.tokens + (SLACK_MS * b.refillPerSec) / 1000 >= need) return { bucket: { ...b, tokens: b.tokens - n }, waitMs: 0 };
  const waitMs = Math.max(1, Math.ceil(((need - b.tokens) * 1000) / b.refillPerSec - SLACK_MS));
  return { bucket: b, waitMs };
}

/** Records n tokens already used; may leave the bucket in debt. */
export function spend(bucket: Bucket, n: number, now: number): Bucket {
  if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`token count must be a finite number >= 0, got ${n}`);
  const b = refill(bucket, now);
  return { ...b, tokens: b.tokens - n };
}
