// Which allow-listed peers are online, for `herald doctor`: a peer whose agent runs but has not
// committed yet announced nothing, and is still fine. Presence needs a subscription (RFC 6121 §3):
// once there is one, the server sends each peer's presence right after our login; a peer we are
// not subscribed to is asked for it now, and its agent, which trusts us as its herald.peer,
// approves at once (xmpp/peer-subscription.ts), after which the server sends its presence. This
// adds the peer to the account's roster: the one lasting change the doctor makes besides its probe.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { bareJid } from "../xmpp/announcement-filter.js";
import { subscriptionAnswer } from "../xmpp/peer-subscription.js";
import type { Session } from "../xmpp/session.js";

/** Herald's agents log in as herald-<node> or herald-<host> (xmpp-settings.ts, daemon.ts); the
 * doctor as herald-doctor-<pid>. Only an agent's presence says that Herald runs there. */
export function isAgentResource(fullJid: string): boolean {
  const slash = fullJid.indexOf("/");
  const resource = slash < 0 ? "" : fullJid.slice(slash + 1);
  return resource.startsWith("herald") && !resource.startsWith("herald-doctor-");
}

export class PeerPresence {
  readonly #seen = new Set<string>();
  readonly #peers: Set<string>;
  #changed: () => void = () => undefined;
  readonly #onStanza = (st: Element) => {
    const answer = subscriptionAnswer(st, (jid) => this.#peers.has(jid));
    if (answer) void this.session.send(answer).catch(() => undefined);
    if (st.name !== "presence" || st.attrs.type !== undefined || typeof st.attrs.from !== "string") return;
    if (!isAgentResource(st.attrs.from)) return; // a person's chat client, or a doctor (this one's echo too)
    const who = bareJid(st.attrs.from);
    if (!this.#peers.has(who)) return;
    this.#seen.add(who);
    this.#changed();
  };

  constructor(private readonly session: Session, peers: readonly string[]) {
    this.#peers = new Set(peers.map((p) => p.toLowerCase()));
    session.on("stanza", this.#onStanza);
  }

  /** Of `peers`, those online: present since our login, or answering a request within `waitMs`. */
  async online(peers: readonly string[], waitMs: number): Promise<Set<string>> {
    const missing = () => peers.filter((p) => !this.#seen.has(p.toLowerCase()));
    const asked = missing().filter((p) => p.toLowerCase() !== this.session.bareJid.toLowerCase());
    if (asked.length) {
      for (const p of asked) await this.session.send(xml("presence", { to: p, type: "subscribe" })).catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#changed = () => { if (missing().length === 0) { clearTimeout(timer); resolve(); } };
      });
    }
    return new Set(peers.filter((p) => this.#seen.has(p.toLowerCase())));
  }

  stop(): void {
    this.session.off("stanza", this.#onStanza);
  }
}
