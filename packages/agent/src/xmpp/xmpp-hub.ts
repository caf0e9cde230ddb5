// One XMPP login per account for the whole machine (however many repositories use it): each
// repository joins with its own pubsub node (a RepoChannel), and this hub routes every pubsub
// event to the channel of its node and every chat message to the machine's chat commands. A
// clone whose config names another account (or server) gets a login of its own.
import type { Logger } from "../log.js";
import { ChatCommands, type ChatHandlers } from "./chat-commands.js";
import { eventItems } from "./pubsub-node.js";
import { subscriptionAnswer } from "./peer-subscription.js";
import { RepoChannel, type RepoChannelDeps } from "./repo-channel.js";
import { Session, type Presence, type SessionOptions } from "./session.js";

interface Link { session: Session; channels: Map<RepoChannel, ReadonlySet<string>> }

export class XmppHub {
  #links = new Map<string, Link>();

  constructor(private readonly chat: ChatHandlers, private readonly log: Logger) {}

  /** Join a repository's node over the account in `session` (logging in if this is the first). */
  join(session: SessionOptions, admins: readonly string[], deps: Omit<RepoChannelDeps, "session">): RepoChannel {
    const link = this.#link(session);
    const channel = new RepoChannel({ ...deps, session: link.session });
    link.channels.set(channel, new Set(admins.map((a) => a.toLowerCase())));
    if (link.session.online) void channel.joined();
    return channel;
  }

  /** A repository is no longer served: drop its subscription; the last one out logs out, unless
   * it is coming straight back (`keepLogin`: its settings changed; see prune). */
  async leave(channel: RepoChannel, unsubscribe = true, keepLogin = false): Promise<void> {
    for (const [key, link] of this.#links) {
      if (!link.channels.delete(channel)) continue;
      // Two clones of one repository (one root commit) share a node: the subscription stays
      // while another still uses it, or that one would go deaf.
      const shared = [...link.channels.keys()].some((c) => c.pubsubNode.node === channel.pubsubNode.node && c.pubsubNode.service === channel.pubsubNode.service);
      await channel.close(unsubscribe && !shared);
      if (link.channels.size === 0 && !keepLogin) {
        this.#links.delete(key);
        await link.session.stop();
      }
    }
  }

  /** Log out of every account no repository uses (one kept by leave, then not joined again). */
  async prune(): Promise<void> {
    for (const [key, link] of this.#links) {
      if (link.channels.size > 0) continue;
      this.#links.delete(key);
      await link.session.stop();
    }
  }

  /** Presence for every login (a summary of the repositories it serves). */
  async setPresence(p: (channels: RepoChannel[]) => Presence): Promise<void> {
    await Promise.all([...this.#links.values()].map((l) => l.session.setPresence(p([...l.channels.keys()]))));
  }

  get sessions(): Session[] { return [...this.#links.values()].map((l) => l.session); }

  async stop(): Promise<void> {
    const links = [...this.#links.values()];
    this.#links.clear();
    await Promise.all(links.map(async (l) => {
      await Promise.all([...l.channels.keys()].map((c) => c.close(false)));
      await l.session.stop();
    }));
  }

  #link(opts: SessionOptions): Link {
    const key = `${opts.jid} ${opts.service ?? ""} ${opts.tlsCa ?? ""}`;
    const found = this.#links.get(key);
    if (found) return found;
    const session = new Session(opts, this.log.child("xmpp").with({ jid: opts.jid }));
    const link: Link = { session, channels: new Map() };
    const isAdmin = (jid: string) => [...link.channels.values()].some((admins) => admins.has(jid));
    const chat = new ChatCommands(session, isAdmin, this.chat, this.log.child("chat"));
    session.on("online", () => { for (const c of link.channels.keys()) void c.joined(); });
    session.on("offline", () => { for (const c of link.channels.keys()) c.left(); });
    session.on("stanza", (st) => {
      for (const c of link.channels.keys()) {
        for (const item of eventItems(st, c.pubsubNode.service)) if (item.node === c.pubsubNode.node) c.item(item, false);
      }
      const answer = subscriptionAnswer(st, (jid) => [...link.channels.keys()].some((c) => c.trusts(jid)));
      if (answer) void session.send(answer).catch(() => undefined);
      chat.handle(st);
    });
    // Logs in in the background: an unreachable server never blocks git-side syncing.
    session.start().catch((e: Error) => this.log.warn("xmpp-login-failed", { jid: opts.jid, error: e.message, retrying: true }));
    this.#links.set(key, link);
    return link;
  }
}
