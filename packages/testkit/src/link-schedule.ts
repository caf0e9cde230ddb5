// When each chunk crossing a simulated link arrives (link-sim.ts): pure, so it is tested to the
// millisecond without sockets. One schedule per direction of one connection.

export interface LinkShape {
  /** One-way delay: a round trip costs twice this. */
  delayMs: number;
  /** Up to this much more delay per chunk, drawn from the link's random source. */
  jitterMs: number;
  /** The cap per direction; Infinity for none. */
  bytesPerSecond: number;
}

/** `shape` with bad values named; Infinity or undefined bytesPerSecond means no cap. */
export function checkShape(shape: Partial<LinkShape>): Partial<LinkShape> {
  for (const k of ["delayMs", "jitterMs"] as const) {
    const v = shape[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`link: ${k} must be a finite number ≥ 0, not ${v}`);
  }
  const b = shape.bytesPerSecond;
  if (b !== undefined && !(b > 0)) throw new Error(`link: bytesPerSecond must be > 0 (Infinity for no cap), not ${b}`);
  return shape;
}

export class Schedule {
  /** When the sender's side of the wire is free again (the bandwidth cap: serialisation time). */
  #wireFree = 0;
  /** The last arrival given: TCP delivers in order, so jitter never lets a chunk overtake. */
  #last = 0;

  constructor(private readonly shape: () => LinkShape, private readonly random: () => number) {}

  /** When a chunk of `bytes` handed to the link at `now` has fully arrived at the far end. */
  arrival(now: number, bytes: number): number {
    const s = this.shape();
    const wire = Number.isFinite(s.bytesPerSecond) ? (bytes * 1000) / s.bytesPerSecond : 0;
    this.#wireFree = Math.max(this.#wireFree, now) + wire;
    this.#last = Math.max(this.#last, this.#wireFree + s.delayMs + s.jitterMs * this.random());
    return this.#last;
  }

  /** After an outage ends at `now`: what was sent meanwhile is retransmitted, so it arrives no
   * sooner than one delay from now. Returns that floor for what is already queued. */
  restored(now: number): number {
    const floor = now + this.shape().delayMs;
    this.#last = Math.max(this.#last, floor);
    return floor;
  }
}
