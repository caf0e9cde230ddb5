// Out-of-band signaling for one repository (the dvcs-autosync approach): its pubsub node, where
// this clone announces each new HEAD once pushed and gossips its part of the network map, and
// where it hears its peers. Announcements are hints: git data moves over git, and what to fetch
// from where is the sync engine's decision (engine/announcements.ts); this channel only decides
// which items to believe (announcement-filter.ts) and hands those on.
import { announcementToElement, decodePayload, networkMapToElement, pubsubNodeName, type CommitAnnouncement, type NetworkMapAdvert } from "@herald/protocol";
import type { Logger } from "../log.js";
import { CoalescingLoop } from "../nudge.js";
import { bareJid, judgeItem } from "./announcement-filter.js";
import { announceDecision, HEARD_GRACE_MS, HeardHeads, type AnnounceOptions } from "./announce-policy.js";
import { PubsubNode, type PubsubItem } from "./pubsub-node.js";
import { PUBLISHER_FIX } from "./publisher-probe.js";
import type { Session } from "./session.js";
import type { SignalingStats } from "./signaling-stats.js";

export type { SignalingStats } from "./signaling-stats.js";

export interface RepoChannelDeps {
  session: Session;
  pubsub: string;
  repoId: string;
  node: string;
  peers: string[];
  log: Logger;
  head: () => Promise<{ branch: string; sha: string } | null>;
  /** This clone's map adverts, numbered anew: published on every (re)connect and when they change. */
  advertise: () => NetworkMapAdvert[];
  onAnnouncement: (a: CommitAnnouncement) => void;
  onMap: (m: NetworkMapAdvert) => void;
  /** The login is (again) online: a sign the network is back. */
  onOnline?: () => void;
  /** Some clone fetches from us and not from `announcer` (announce-policy.ts fetchesThrough). */
  relaysFor?: (announcer: string, holders: readonly string[]) => boolean;
  /** Whether `head` contains `sha` (git merge-base --is-ancestor sha head). */
  contains?: (head: string, sha: string) => Promise<boolean>;
  now?: () => number;
}

export class RepoChannel {
  readonly pubsubNode: PubsubNode;
  readonly stats: SignalingStats;
  #announcer: CoalescingLoop;
  #lastAnnounced: string | null = null;
  #toAnnounce: string | null = null;
  #relay = true;
  #mergePushed = false;
  /** clones known to have the head to announce (announce-policy.ts fetchesThrough) */
  #holders: readonly string[] = [];
  /** the wait of a head for its maker's announcement (announce-policy.ts), and the head that waited */
  #grace: NodeJS.Timeout | null = null;
  #waited: string | null = null;
  #heardHeads = new HeardHeads();
  #lastSeq = new Map<string, number>();
  #seq = 0;
  #lastMap = "";
  #mapSeq = new Map<string, number>();
  #peers: Set<string>;
  #now: () => number;

  constructor(private readonly d: RepoChannelDeps) {
    this.#now = d.now ?? Date.now;
    this.stats = { online: false, announced: 0, heard: 0, dropped: {}, lastOut: null, lastIn: null, peersSeen: [], publisherMissing: false, quiet: 0, stanzas: d.session.stanzas };
    this.#peers = new Set(d.peers.map((p) => p.toLowerCase()));
    this.pubsubNode = new PubsubNode(d.session, d.pubsub, pubsubNodeName(d.repoId));
    this.#announcer = new CoalescingLoop("announcer", () => this.#announce(), d.log);
  }

  get session(): Session { return this.d.session; }

  /** Whether `jid` (bare, lower case) is one of this repository's herald.peer. */
  trusts(jid: string): boolean { return this.#peers.has(jid); }

  /**
   * Announce a head once it has been pushed (coalesced: a burst announces only the newest).
   * `sha` is the head the pushes delivered: HEAD may have moved on meanwhile (a burst of commits
   * held back, sync/burst.ts), and announcing a commit no remote has yet only sends peers to
   * fetch it. Without `sha` (a reconnect), HEAD as it is now. `relay`: some clone waits for our
   * word on this head (announce-policy.ts); false lets a head another clone announced go unannounced.
   * `holders`: clones known to have it (the one it came from, those our pushes gave it to).
   * `mergePushed`: a Herald merge our pushes carry to every clone (announce-policy.ts announceMerge).
   */
  announce(sha?: string, { relay = true, holders = [], mergePushed = false }: AnnounceOptions = {}): void {
    this.#endGrace();
    if (sha) this.#toAnnounce = sha;
    this.#relay = relay;
    this.#holders = holders;
    this.#mergePushed = mergePushed;
    this.#announcer.nudge();
  }

  /** Announce the head again though it was announced: annexed content reached a repository
   * peers fetch from (content/content.ts), and an announcement is what wakes them. */
  reannounce(): void {
    this.#lastAnnounced = null;
    this.#announcer.nudge();
  }

  /** The session is (again) online: node, subscription, catch-up, our head and our map. */
  async joined(): Promise<void> {
    const { log } = this.d;
    try {
      const created = await this.pubsubNode.ensure().catch((e: Error) => {
        log.debug("pubsub-create-refused", { error: e.message }); // ordinary users may not create nodes
        return "exists" as const;
      });
      await this.pubsubNode.subscribe();
      this.stats.online = true;
      log.info("xmpp-online", { jid: this.d.session.bareJid, node: this.pubsubNode.node, created: created === "created" });
      this.d.onOnline?.();
      // Catch-up: act on anything announced while we were away (XEP-0060 §6.5).
      for (const item of await this.pubsubNode.items()) this.item(item, true);
      this.#lastAnnounced = null; // re-announce our head: peers may have missed it too
      this.#announcer.nudge();
      this.#lastMap = "";
      await this.publishMap();
    } catch (e) {
      const condition = (e as { condition?: string }).condition;
      log.warn("xmpp-setup-failed", {
        error: (e as Error).message,
        ...(condition === "item-not-found" || condition === "forbidden"
          ? { hint: `${this.pubsubNode.node} does not exist on ${this.d.pubsub} and ${this.d.session.bareJid} may not create it: list the agents' accounts as admins of the pubsub component (docker/README.md), or start an agent that is one first` }
          : {}),
      });
    }
  }

  left(): void {
    if (this.stats.online) this.d.log.warn("xmpp-offline", { note: "ref watching and retries keep syncing" });
    this.stats.online = false;
  }

  /** Stop announcing; `unsubscribe`: the repository is no longer served, drop its subscription. */
  async close(unsubscribe: boolean): Promise<void> {
    this.#endGrace();
    await this.#announcer.stop();
    if (unsubscribe && this.d.session.online) {
      await this.pubsubNode.unsubscribe().catch((e: Error) => this.d.log.warn("unsubscribe-failed", { error: e.message }));
    }
    this.stats.online = false;
  }

  async #announce(): Promise<void> {
    const now = await this.d.head();
    const h = now && { branch: now.branch, sha: this.#toAnnounce ?? now.sha };
    const relay = this.#relay;
    const holders = this.#holders;
    const mergePushed = this.#mergePushed;
    this.#toAnnounce = null;
    this.#relay = true;
    this.#holders = [];
    this.#mergePushed = false;
    if (!h || !this.stats.online) return;
    const announcer = this.#heardHeads.by(h.sha);
    const relays = relay || (announcer !== undefined && (this.d.relaysFor?.(announcer, holders) ?? true));
    // Asked only when nothing else makes us announce: an ancestry walk per decision otherwise.
    const last = this.#lastAnnounced;
    const leftLast = !relays && last !== null && last !== h.sha && !(await this.d.contains?.(h.sha, last).catch(() => false) ?? true);
    const waited = this.#waited === h.sha;
    this.#waited = null;
    const decision = announceDecision({ sha: h.sha, lastAnnounced: last, heard: announcer !== undefined, relay: relays, waited, leftLast, mergePushed });
    if (decision === "wait-for-announcer") {
      const sha = h.sha;
      this.#endGrace(); // a re-announce (reconnect, content) of the same head: one wait, not two
      this.#grace = setTimeout(() => { this.#grace = null; this.#waited = sha; this.announce(sha, { relay: false, holders }); }, HEARD_GRACE_MS);
      this.d.log.debug("announce-wait", { sha, why: decision, ms: HEARD_GRACE_MS });
      return;
    }
    if (decision === "heard-from-announcer" || decision === "merge-pushed") {
      this.stats.quiet = (this.stats.quiet ?? 0) + 1;
      this.d.log.debug("announce-skipped", { sha: h.sha, why: decision });
    }
    if (decision !== "announce") return;
    const seq = (this.#seq = Math.max(this.#seq + 1, this.#now()));
    const a: CommitAnnouncement = { repo: this.d.repoId, ref: h.branch, sha: h.sha, prev: this.#lastAnnounced, node: this.d.node, seq, time: this.#now() };
    await this.pubsubNode.publish(`${this.d.node}:${h.branch}`, announcementToElement(a));
    this.#lastAnnounced = h.sha;
    this.stats.announced++;
    this.stats.lastOut = { sha: h.sha, at: new Date(a.time).toISOString() };
    this.d.log.info("announced", { sha: h.sha, seq });
  }

  /** A newer head to announce (or the end) replaces the one waiting for its maker's announcement. */
  #endGrace(): void {
    if (this.#grace) clearTimeout(this.#grace);
    this.#grace = null;
  }

  /** Publish this clone's map adverts if they changed (item id per advertised node). Rejects when the
   * server refuses or does not answer: callers catch (an unanswered iq must not end the process). */
  async publishMap(): Promise<void> {
    if (!this.stats.online) return;
    const adverts = this.d.advertise();
    const key = JSON.stringify(adverts.map((a) => [a.node, a.edges]));
    if (key === this.#lastMap) return;
    this.#lastMap = key;
    for (const a of adverts) await this.pubsubNode.publish(`map ${a.node} ${a.by ?? a.node}`, networkMapToElement(a));
  }

  /** An item of this repository's node, live or from the catch-up read. */
  item(item: PubsubItem, catchUp: boolean): void {
    // The server stamps every item or none: one without is the server's setting, not a stranger.
    if (!item.publisher) return this.#unstamped();
    this.stats.publisherMissing = false;
    // Our own items come back to us: nothing to judge, and no git call to spend on them.
    if (item.publisher && bareJid(item.publisher) === this.d.session.bareJid.toLowerCase()) return;
    if (this.#considerMap(item)) return;
    void this.#consider(item, catchUp).catch((e: Error) => this.d.log.error("announcement-failed", { error: e.message }));
  }

  /** Said once (not once per item): the user has one thing to fix. */
  #unstamped(): void {
    this.stats.dropped["no-publisher"] = (this.stats.dropped["no-publisher"] ?? 0) + 1;
    if (this.stats.publisherMissing) return;
    this.stats.publisherMissing = true;
    this.d.log.warn("announcements-ignored", { why: `${this.d.pubsub} does not stamp publishers on items, so no announcement can be trusted`, fix: PUBLISHER_FIX, see: "herald doctor" });
  }

  /** Map adverts: same trust rule as announcements (allow-listed, server-stamped publisher). */
  #considerMap(item: PubsubItem): boolean {
    const decoded = decodePayload(item.payload);
    if (!decoded.ok || decoded.value.kind !== "map") return false;
    const m = decoded.value.advert;
    const publisher = item.publisher ? bareJid(item.publisher) : null;
    if (!publisher || !this.#peers.has(publisher) || m.repo !== this.d.repoId || (m.by ?? m.node) === this.d.node) return true;
    const key = `${m.node} ${m.by ?? m.node}`;
    if ((this.#mapSeq.get(key) ?? -1) >= m.seq) return true;
    this.#mapSeq.set(key, m.seq);
    this.d.log.debug("map-advert", { node: m.node, by: m.by ?? m.node, edges: m.edges.length });
    this.d.onMap(m);
    return true;
  }

  async #consider(item: PubsubItem, catchUp: boolean): Promise<void> {
    const h = await this.d.head();
    if (!h) return;
    const v = judgeItem(item, { repo: this.d.repoId, self: this.d.node, selfJid: this.d.session.bareJid.toLowerCase(), peers: this.#peers, branch: h.branch, lastSeq: this.#lastSeq }, catchUp);
    if (v.action === "drop") {
      this.stats.dropped[v.reason] = (this.stats.dropped[v.reason] ?? 0) + 1;
      this.d.log.warn("announcement-dropped", { reason: v.reason, ...(v.detail ? { detail: v.detail.slice(0, 200) } : {}), publisher: item.publisher ? bareJid(item.publisher) : null });
      return;
    }
    if (v.action === "ignore") return;
    const a = v.announcement;
    this.#lastSeq.set(a.node, a.seq);
    this.#heardHeads.add(a.sha, a.node);
    if (!this.stats.peersSeen.includes(a.node)) this.stats.peersSeen = [...this.stats.peersSeen, a.node].sort();
    this.stats.heard++;
    this.stats.lastIn = { node: a.node, sha: a.sha, at: new Date(this.#now()).toISOString() };
    this.d.onAnnouncement(a);
  }
}
