// Pure: whether this clone announces a head. One publish reaches every subscriber of the node
// (XEP-0060 §7.1.2: the service sends the event to each subscription), so once a clone has
// announced a commit, every other clone has heard of it. A clone that then reaches that very
// commit (a fast-forward to the announced head) and passes it on to nobody adds nothing by
// announcing it again; were every clone to do so, N clones would cost N publishes of N events
// each per commit (N²). It still announces a head nobody announced (its own commits, a merge
// commit) and a head it relays: a clone the plan feeds through it (plan-targets.ts) may not reach
// the announcer, and learns from this clone's announcement where to fetch.

export type AnnounceDecision = "announce" | "already-announced" | "heard-from-announcer";

export interface AnnounceInput {
  sha: string;
  /** what this clone announced last (since the session came online) */
  lastAnnounced: string | null;
  /** another clone announced `sha` and it was heard here */
  heard: boolean;
  /** some clone gets this head from us (we have children in the plan, or are off it) */
  relay: boolean;
}

export function announceDecision(i: AnnounceInput): AnnounceDecision {
  if (i.sha === i.lastAnnounced) return "already-announced";
  if (i.heard && !i.relay) return "heard-from-announcer";
  return "announce";
}

/** The shas other clones announced lately, oldest forgotten first (bounded: one entry per commit). */
export class HeardHeads {
  #shas = new Set<string>();
  constructor(private readonly limit = 256) {}

  add(sha: string): void {
    this.#shas.delete(sha);
    this.#shas.add(sha);
    if (this.#shas.size > this.limit) this.#shas.delete(this.#shas.values().next().value!);
  }

  has(sha: string): boolean { return this.#shas.has(sha); }
}
