// Pure: whether this clone announces a head. One publish reaches every subscriber of the node
// (XEP-0060 §7.1.2: the service sends the event to each subscription), so once a clone has
// announced a commit, every other clone has heard of it. A clone that then reaches that very
// commit (a fast-forward to the announced head) and passes it on to nobody adds nothing by
// announcing it again; were every clone to do so, N clones would cost N publishes of N events
// each per commit (N²). It still announces a head nobody announced (its own commits, a merge
// commit) and a head it relays: a clone the plan feeds through it (plan-targets.ts) may not reach
// the announcer, and learns from this clone's announcement where to fetch.
import type { NetworkMapAdvert } from "@herald/protocol";

export type AnnounceDecision = "announce" | "already-announced" | "heard-from-announcer" | "wait-for-announcer" | "merge-pushed";

/** How long a clone that relays nothing waits to hear a head it was pushed announced by its maker,
 * who announces only once every push is done (9 pushes on a star of 10: 150-350 ms). */
export const HEARD_GRACE_MS = 1500;

export interface AnnounceInput {
  sha: string;
  /** what this clone announced last (since the session came online) */
  lastAnnounced: string | null;
  /** another clone announced `sha` and it was heard here */
  heard: boolean;
  /** some clone gets this head from us (we have children in the plan, or are off it) */
  relay: boolean;
  /** this head has waited HEARD_GRACE_MS for its announcement already */
  waited?: boolean;
  /** our branch left the head we announced last (it does not contain it) */
  leftLast?: boolean;
  /** a Herald merge our pushes carry to every clone, which no clone fetches (announceMerge) */
  mergePushed?: boolean;
}

// A head pushed to us usually arrives before its maker's announcement, which follows the last of
// its pushes: on a star of 10, each peer merged first and announced the head too, 4.4 extra
// publishes per commit, each sent to every subscriber (npm run bench: 136 for 31 commits, most of
// the CPU XMPP added there). Nobody waits on a clone that relays nothing, so it waits a moment.
// A clone whose branch left the head it announced last (a Herald merge given up for an equivalent
// one) announces its new head all the same: clones still asking for the old one stop only at a
// newer announcement from it (announcements.ts; npm run chaos, ring8: three clones asked for such
// a merge for 150 s after the ring had converged).
export function announceDecision(i: AnnounceInput): AnnounceDecision {
  if (i.sha === i.lastAnnounced) return "already-announced";
  if (i.leftLast) return "announce";
  if (i.mergePushed && !i.relay) return "merge-pushed";
  if (i.heard && !i.relay) return "heard-from-announcer";
  if (!i.heard && !i.relay && !i.waited) return "wait-for-announcer";
  return "announce";
}

/**
 * Whether a clone may be waiting for our announcement: one that has us as a remote (its advert
 * has an edge to us, and a remote one pushes to is one it fetches from: fetch-policy.ts) but not
 * the announcer, so it cannot fetch the commit where it was announced. The plan's tree does not
 * show it: the map's edges say who pushes to whom, and such a clone fetches from us unasked.
 * A clone in `holders` has the head (we got it from there, or pushed it there): it waits for nothing.
 * `announcer` null: a head we made, which any clone with us as a remote may be waiting for.
 */
export function fetchesThrough(adverts: readonly NetworkMapAdvert[], self: string, announcer: string | null, holders: readonly string[] = []): boolean {
  return adverts.some((a) => !a.passive && a.node !== self && a.node !== announcer && !holders.includes(a.node)
    && a.edges.some((e) => e.to === self) && (announcer === null || !a.edges.some((e) => e.to === announcer)));
}

/**
 * Whether a Herald merge at our head (made here, or one we fast-forwarded to) is announced. Its
 * work is others' commits, announced by their makers, and perhaps ours, and it reaches every
 * clone by push: ours to our children in the plan, theirs on, each retried until it goes through
 * (sync/retry-queue.ts). A clone with work of its own does not keep a merge it is pushed: it folds
 * the merge's parents again with its own (git/merge-heads.ts userFrontier). So beyond our children
 * nobody holds this commit, and announcing it only sent the clones there to fetch it around their
 * parents and find nothing (npm run bench -- --only=storm, ring 8 with XMPP: 91 of the 113
 * fetches that found nothing were merges announced two or more pushes away). It is announced
 * where a clone may fetch it from where it is kept: a target that is no agent (a bare remote
 * keeps it whole, and clones fetch it there), or a clone with us as a remote that we do not push to.
 */
export function announceMerge(i: { toPassive: boolean; fetchedThrough: boolean }): boolean {
  return i.toPassive || i.fetchedThrough;
}

/** Who announced each sha lately, oldest forgotten first (bounded: one entry per commit). */
export class HeardHeads {
  #by = new Map<string, string>();
  constructor(private readonly limit = 256) {}

  add(sha: string, announcer: string): void {
    this.#by.delete(sha);
    this.#by.set(sha, announcer);
    if (this.#by.size > this.limit) this.#by.delete(this.#by.keys().next().value!);
  }

  /** The node that announced `sha`, if it was heard. */
  by(sha: string): string | undefined { return this.#by.get(sha); }
}

/** What is known of a head to announce (RepoChannel.announce; the decision above reads them). */
export interface AnnounceOptions { relay?: boolean; holders?: readonly string[]; mergePushed?: boolean }
