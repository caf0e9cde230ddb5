// Out-of-band signaling (the dvcs-autosync approach): one pubsub node per repository; each
// agent announces its new HEAD there, and peers that hear of a commit they lack fetch it from the
// remote that maps to the announcing node, merge, and pass it on. Announcements are hints: git
// data moves over git, and ref watching plus the retry queue keep syncing while XMPP is away.
import { announcementToElement, decodePayload, networkMapToElement, pubsubNodeName, type CommitAnnouncement, type NetworkMapAdvert } from "@herald/protocol";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log.js";
import { CoalescingLoop } from "../nudge.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import { remoteNode } from "../sync/plan-targets.js";

const PLAN_GRACE_MS = 2000;
import { bareJid, judgeItem, type Verdict } from "./announcement-filter.js";
import { ChatCommands, type ChatHandlers } from "./chat-commands.js";
import { eventItems, PubsubNode, type PubsubItem } from "./pubsub-node.js";
import { Session, type SessionOptions } from "./session.js";

export interface SignalingDeps {
  session: SessionOptions;
  pubsub: string;
  repoId: string;
  node: string;
  peers: string[];
  admins: string[];
  log: Logger;
  head: () => Promise<{ branch: string; sha: string } | null>;
  hasCommit: (sha: string) => Promise<boolean>;
  /** The commit is HEAD or already inside it (a short walk; false when unsure). */
  inHead?: (sha: string) => Promise<boolean>;
  remotes: () => ResolvedRemote[];
  fetch: (remote: ResolvedRemote, reason: string) => Promise<boolean>;
  merge: () => Promise<void>;
  chat: ChatHandlers;
  /** A map advert from an allow-listed peer for this repo (planner gossip). */
  onMap?: (advert: NetworkMapAdvert) => void;
  /** This node's parent in the plan rooted at `origin`, if the map has one. */
  planParent?: (origin: string) => { node: string; passive: boolean } | null;
  /** This agent's current adverts, published on every (re)connect and when they change. */
  ownAdverts?: () => NetworkMapAdvert[];
  now?: () => number;
}

export interface SignalingStats {
  online: boolean;
  announced: number;
  heard: number;
  dropped: Record<string, number>;
  lastOut: { sha: string; at: string } | null;
  lastIn: { node: string; sha: string; at: string } | null;
  peersSeen: string[];
}

export class Signaling {
  readonly session: Session;
  readonly pubsubNode: PubsubNode;
  #announcer: CoalescingLoop;
  #lastAnnounced: string | null = null;
  #toAnnounce: string | null = null;
  #lastSeq = new Map<string, number>();
  #seq = 0;
  #fetching = new Map<string, { run: Promise<void>; again: CommitAnnouncement | null }>();
  #chat: ChatCommands;
  readonly stats: SignalingStats = { online: false, announced: 0, heard: 0, dropped: {}, lastOut: null, lastIn: null, peersSeen: [] };
  #peersSeen = new Set<string>();
  #now: () => number;

  constructor(private readonly d: SignalingDeps) {
    this.#now = d.now ?? Date.now;
    this.session = new Session(d.session, d.log.child("xmpp"));
    this.pubsubNode = new PubsubNode(this.session, d.pubsub, pubsubNodeName(d.repoId));
    this.#announcer = new CoalescingLoop("announcer", () => this.#announce(), d.log);
    this.#chat = new ChatCommands(this.session, new Set(d.admins.map((a) => a.toLowerCase())), d.chat, d.log.child("chat"));
    this.session.on("online", () => void this.#onOnline());
    this.session.on("offline", () => { this.stats.online = false; d.log.warn("xmpp-offline", { note: "ref watching and retries keep syncing" }); });
    this.session.on("stanza", (st) => this.#onStanza(st));
  }

  /** Logs in in the background: an unreachable server never blocks git-side syncing. */
  start(): void {
    this.session.start().catch((e: Error) => this.d.log.warn("xmpp-login-failed", { error: e.message, retrying: true }));
  }

  async stop(): Promise<void> {
    await this.#announcer.stop();
    await Promise.all([...this.#fetching.values()].map((f) => f.run));
    await this.session.stop();
  }

  /**
   * Announce a head once it has been pushed (coalesced: a burst announces only the newest).
   * `sha` is the head the pushes delivered: HEAD may have moved on meanwhile (a burst of commits
   * held back, sync/burst.ts), and announcing a commit no remote has yet only sends peers to
   * fetch it. Without `sha` (a reconnect), HEAD as it is now.
   */
  announce(sha?: string): void {
    if (sha) this.#toAnnounce = sha;
    this.#announcer.nudge();
  }

  async #onOnline(): Promise<void> {
    const { log } = this.d;
    try {
      const created = await this.pubsubNode.ensure().catch((e: Error) => {
        log.debug("pubsub-create-refused", { error: e.message }); // ordinary users may not create nodes
        return "exists" as const;
      });
      await this.pubsubNode.subscribe();
      this.stats.online = true;
      log.info("xmpp-online", { jid: this.session.bareJid, node: this.pubsubNode.node, created: created === "created" });
      // Catch-up: act on anything announced while we were away (XEP-0060 §6.5).
      for (const item of await this.pubsubNode.items()) this.#consider(item, true);
      this.#lastAnnounced = null; // re-announce our head: peers may have missed it too
      this.#announcer.nudge();
      this.#lastMap = "";
      await this.publishMap();
    } catch (e) {
      const condition = (e as { condition?: string }).condition;
      log.warn("xmpp-setup-failed", {
        error: (e as Error).message,
        ...(condition === "item-not-found" || condition === "forbidden"
          ? { hint: `${this.pubsubNode.node} does not exist on ${this.d.pubsub} and ${this.session.bareJid} may not create it: list the agents' accounts as admins of the pubsub component (docker/README.md), or start an agent that is one first` }
          : {}),
      });
    }
  }

  #onStanza(st: Element): void {
    for (const item of eventItems(st, this.d.pubsub)) {
      if (item.node === this.pubsubNode.node) this.#consider(item, false);
    }
    this.#chat.handle(st);
  }

  async #announce(): Promise<void> {
    const now = await this.d.head();
    const h = now && { branch: now.branch, sha: this.#toAnnounce ?? now.sha };
    this.#toAnnounce = null;
    if (!h || h.sha === this.#lastAnnounced || !this.session.online) return;
    const seq = (this.#seq = Math.max(this.#seq + 1, this.#now()));
    const a: CommitAnnouncement = { repo: this.d.repoId, ref: h.branch, sha: h.sha, prev: this.#lastAnnounced, node: this.d.node, seq, time: this.#now() };
    await this.pubsubNode.publish(`${this.d.node}:${h.branch}`, announcementToElement(a));
    this.#lastAnnounced = h.sha;
    this.stats.announced++;
    this.stats.lastOut = { sha: h.sha, at: new Date(a.time).toISOString() };
    this.d.log.info("announced", { sha: h.sha, seq });
  }

  #lastMap = "";
  #mapSeq = new Map<string, number>();

  /** Publish this agent's map adverts if they changed (item id per advertised node). */
  async publishMap(): Promise<void> {
    if (!this.d.ownAdverts || !this.session.online) return;
    const adverts = this.d.ownAdverts();
    const key = JSON.stringify(adverts.map((a) => [a.node, a.edges]));
    if (key === this.#lastMap) return;
    this.#lastMap = key;
    for (const a of adverts) await this.pubsubNode.publish(`map ${a.node} ${a.by ?? a.node}`, networkMapToElement(a));
  }

  /** Map adverts: same trust rule as announcements (allow-listed, server-stamped publisher). */
  #considerMap(item: PubsubItem): boolean {
    const decoded = decodePayload(item.payload);
    if (!decoded.ok || decoded.value.kind !== "map") return false;
    const m = decoded.value.advert;
    const publisher = item.publisher ? bareJid(item.publisher) : null;
    if (!publisher || !this.d.peers.map((p) => p.toLowerCase()).includes(publisher) || m.repo !== this.d.repoId || (m.by ?? m.node) === this.d.node) return true;
    const key = `${m.node} ${m.by ?? m.node}`;
    if ((this.#mapSeq.get(key) ?? -1) >= m.seq) return true;
    this.#mapSeq.set(key, m.seq);
    this.d.onMap?.(m);
    return true;
  }

  #consider(item: PubsubItem, catchUp: boolean): void {
    // Our own items come back to us: nothing to judge, and no git call to spend on them.
    if (item.publisher && bareJid(item.publisher) === this.session.bareJid.toLowerCase()) return;
    if (this.#considerMap(item)) return;
    void (async () => {
      const h = await this.d.head();
      if (!h) return;
      const v: Verdict = judgeItem(item, { repo: this.d.repoId, self: this.d.node, selfJid: this.session.bareJid.toLowerCase(), peers: new Set(this.d.peers), branch: h.branch, lastSeq: this.#lastSeq }, catchUp);
      if (v.action === "drop") {
        this.stats.dropped[v.reason] = (this.stats.dropped[v.reason] ?? 0) + 1;
        this.d.log.warn("announcement-dropped", { reason: v.reason, ...(v.detail ? { detail: v.detail.slice(0, 200) } : {}), publisher: item.publisher ? bareJid(item.publisher) : null });
        return;
      }
      if (v.action === "ignore") return;
      const a = v.announcement;
      this.#lastSeq.set(a.node, a.seq);
      this.#peersSeen.add(a.node);
      this.stats.peersSeen = [...this.#peersSeen].sort();
      this.stats.heard++;
      this.stats.lastIn = { node: a.node, sha: a.sha, at: new Date(this.#now()).toISOString() };
      if (await this.d.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha); // a push beat the announcement
      this.#fetchFor(a);
    })().catch((e: Error) => this.d.log.error("announcement-failed", { error: e.message }));
  }

  /** Merge an announced commit we have, unless HEAD holds it already: in a network of ten,
   * every commit is announced by each agent it passes through, and each of those would cost
   * every listener a merge pass. */
  async #mergeUnlessIn(sha: string): Promise<void> {
    if (this.d.inHead && (await this.d.inHead(sha))) return;
    await this.d.merge();
  }

  /** One fetch per announcing node at a time; announcements meanwhile collapse into one more. */
  #fetchFor(a: CommitAnnouncement): void {
    const running = this.#fetching.get(a.node);
    if (running) {
      running.again = a;
      return;
    }
    const entry = { run: Promise.resolve(), again: null as CommitAnnouncement | null };
    entry.run = (async () => {
      let next: CommitAnnouncement | null = a;
      while (next) {
        entry.again = null;
        await this.#fetchAndMerge(next);
        next = entry.again;
      }
    })().finally(() => this.#fetching.delete(a.node));
    this.#fetching.set(a.node, entry);
  }

  async #fetchAndMerge(a: CommitAnnouncement): Promise<void> {
    if (await this.d.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
    // Follow the plan: when our parent in the tree rooted at the origin is an agent, it will push
    // to us; give it a moment (one timer, not a poll) before fetching around it. When the parent
    // is passive (a cloud repository), fetch from it: that is the route the plan chose.
    const parent = this.d.planParent?.(a.node) ?? null;
    if (parent && !parent.passive && parent.node !== a.node) {
      await new Promise((r) => setTimeout(r, PLAN_GRACE_MS));
      if (await this.d.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
      this.d.log.info("plan-parent-late", { parent: parent.node, sha: a.sha, action: `fetching from ${a.node}` });
    }
    // Only configured remotes: the planned parent or the announcing node first, then any other.
    const remotes = this.d.remotes();
    const first = parent?.passive ? parent.node : a.node;
    const ordered = [...remotes.filter((r) => remoteNode(r) === first), ...remotes.filter((r) => remoteNode(r) !== first)];
    const t0 = performance.now();
    for (const r of ordered) {
      await this.d.fetch(r, `announcement from ${a.node}`);
      if (await this.d.hasCommit(a.sha)) {
        this.d.log.info("fetched-announced", { announcer: a.node, sha: a.sha, remote: r.name, ms: Math.round(performance.now() - t0) });
        return this.d.merge();
      }
    }
    this.d.log.warn("announced-commit-not-found", { node: a.node, sha: a.sha, tried: ordered.map((r) => r.name) });
  }
}
