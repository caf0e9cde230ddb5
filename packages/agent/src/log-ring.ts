// The last few hundred log records in memory, for `herald log` and `herald log --follow`.
import type { LogRecord, Sink } from "./log.js";

export class LogRing {
  #records: LogRecord[] = [];
  #listeners = new Set<(r: LogRecord) => void>();
  constructor(private readonly size = 500) {}

  readonly sink: Sink = (r) => {
    this.#records.push(r);
    if (this.#records.length > this.size) this.#records.splice(0, this.#records.length - this.size);
    for (const l of this.#listeners) l(r);
  };

  recent(n: number): LogRecord[] { return this.#records.slice(-n); }

  listen(fn: (r: LogRecord) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
