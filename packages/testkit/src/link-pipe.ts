// One direction of one connection through a simulated link (link-sim.ts): what `src` sends is
// queued with its arrival time (link-schedule.ts) and written to `dst` at that time, in order.
// Memory stays bounded: past `limit` queued bytes `src` is paused, and a full `dst` stops the
// queue until it drains, so a sender is slowed the way TCP's window slows it.
import type { Socket } from "node:net";
import type { Schedule } from "./link-schedule.js";

interface Item { at: number; chunk?: Buffer; close?: "end" | "reset" }

export interface PipeOptions {
  /** Bytes queued before the source is paused. */
  limit: () => number;
  /** Bytes written to the destination. */
  delivered: (bytes: number) => void;
}

export class Pipe {
  #queue: Item[] = [];
  #queued = 0;
  #dst: Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #held = false;
  #draining = false;
  #dead = false;

  constructor(private readonly src: Socket, private readonly schedule: Schedule, private readonly opts: PipeOptions) {
    let ended = false;
    src.on("data", (chunk: Buffer) => {
      this.#push({ at: schedule.arrival(Date.now(), chunk.length), chunk });
      this.#queued += chunk.length;
      if (this.#queued >= opts.limit()) src.pause();
    });
    // A FIN or RST travels the link like data: after what was sent before it, and not during a cut.
    src.on("end", () => { ended = true; this.#push({ at: schedule.arrival(Date.now(), 0), close: "end" }); });
    src.on("close", () => { if (!ended) this.#push({ at: schedule.arrival(Date.now(), 0), close: "reset" }); });
    src.on("error", () => undefined); // the close that follows is what crosses the link
  }

  /** Where the bytes go: set once the far side's connection exists. */
  attach(dst: Socket): void {
    this.#dst = dst;
    this.#kick();
  }

  /** A cut: nothing is delivered, everything is kept. */
  hold(): void {
    this.#held = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The cut is over: what was queued arrives as retransmitted, from one delay on. */
  release(): void {
    const floor = this.schedule.restored(Date.now());
    for (const item of this.#queue) item.at = Math.max(item.at, floor);
    this.#held = false;
    this.#kick();
  }

  /** The connection is gone: forget what was queued. */
  drop(): void {
    this.#dead = true;
    clearTimeout(this.#timer);
    this.#queue = [];
  }

  #push(item: Item): void {
    if (this.#dead) return;
    this.#queue.push(item);
    this.#kick();
  }

  #kick(): void {
    const dst = this.#dst;
    if (this.#dead || this.#held || !dst || this.#draining || this.#timer) return;
    const now = Date.now();
    while (this.#queue.length > 0 && this.#queue[0]!.at <= now) {
      const item = this.#queue.shift()!;
      if (dst.destroyed) { this.drop(); return; }
      if (item.close === "end") dst.end();
      else if (item.close === "reset") dst.resetAndDestroy();
      else if (item.chunk) {
        const room = dst.write(item.chunk);
        this.opts.delivered(item.chunk.length);
        this.#queued -= item.chunk.length;
        if (this.#queued < this.opts.limit() && this.src.isPaused()) this.src.resume();
        if (!room) {
          this.#draining = true;
          dst.once("drain", () => { this.#draining = false; this.#kick(); });
          return;
        }
      }
    }
    if (this.#queue.length > 0) {
      this.#timer = setTimeout(() => { this.#timer = undefined; this.#kick(); }, this.#queue[0]!.at - now);
    }
  }
}
