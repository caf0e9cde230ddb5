// The machine's numbered event log: what the dashboard's stream (/api/events) sends. Ids increase
// by exactly one, so a client that sees a jump knows it missed events and asks again with
// ?since=ID; the last few hundred are kept for that, older ones are gone (the client reloads).
// Log records are events too: `herald log` reads its tail from here.

export interface WebEvent {
  id: number;
  time: string;
  /** An engine event (commit, merged, conflict, pushed, push-failed, fetched, head), paused, resumed, or log. */
  type: string;
  /** The repository's id (machine.ts repoKey), absent for machine-wide events. */
  repo?: string;
  data: Record<string, unknown>;
}

export class EventLog {
  #events: WebEvent[] = [];
  #next = 1;
  #listeners = new Set<(e: WebEvent) => void>();

  constructor(private readonly size = 1000, private readonly now: () => Date = () => new Date()) {}

  append(type: string, data: Record<string, unknown>, repo?: string): WebEvent {
    const e: WebEvent = { id: this.#next++, time: this.now().toISOString(), type, ...(repo ? { repo } : {}), data };
    this.#events.push(e);
    if (this.#events.length > this.size) this.#events.splice(0, this.#events.length - this.size);
    for (const l of this.#listeners) l(e);
    return e;
  }

  /** The id of the newest event (0 before the first). */
  get last(): number { return this.#next - 1; }

  /** Events after `id`; null when some of them are no longer kept (the client must reload). */
  since(id: number): WebEvent[] | null {
    const first = this.#events[0]?.id ?? this.#next;
    if (id + 1 < first) return null;
    return this.#events.filter((e) => e.id > id);
  }

  /** The newest `n` events of one type (the log tail: `herald log`, the page's log). */
  recent(type: string, n: number): WebEvent[] {
    const out: WebEvent[] = [];
    for (let i = this.#events.length - 1; i >= 0 && out.length < n; i--) if (this.#events[i]!.type === type) out.push(this.#events[i]!);
    return out.reverse();
  }

  listen(fn: (e: WebEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
