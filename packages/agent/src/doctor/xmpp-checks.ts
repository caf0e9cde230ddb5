// The doctor's XMPP checks for one repository's node, over one short login: the login itself and
// TLS, the node, whether the server stamps publishers, which peers have announced, the clock.
import { decodePayload, pubsubNodeName } from "@herald/protocol";
import { xml } from "@xmpp/client";
import { XmppStanzaError } from "../errors.js";
import { bareJid } from "../xmpp/announcement-filter.js";
import { isLoopbackService } from "../xmpp/transport-policy.js";
import { withLogin, within } from "../xmpp/login-once.js";
import { PubsubNode } from "../xmpp/pubsub-node.js";
import { PUBLISHER_FIX, serverStampsPublisher } from "../xmpp/publisher-probe.js";
import type { Session } from "../xmpp/session.js";
import type { XmppSettings } from "../xmpp/xmpp-settings.js";
import { fail, judgeClock, judgePeers, ok, skip, type Check } from "./judge.js";
import { PeerPresence } from "./peer-presence.js";

const NS_TIME = "urn:xmpp:time";

export interface XmppFindings {
  checks: Check[];
  /** Node ids heard on the repository's node (announcements, map adverts); null: no login. */
  heard: Set<string> | null;
}

/** The server is not listening where herald.service points (login-once.ts words the reason). */
export const REFUSED_FIX = "the server is not listening at that address: is it running there (systemctl status prosody, or ejabberd), and is herald.service right?";

export async function xmppChecks(x: XmppSettings, peers: readonly string[], timeoutMs = 10_000): Promise<XmppFindings> {
  const { jid, service = "" } = x.session;
  const opts = { ...x.session, resource: `herald-doctor-${process.pid}` };
  return withLogin(opts, timeoutMs, async (session, secure): Promise<XmppFindings> => {
    // From the first moment: the server sends our contacts' presence right after we log in.
    const presence = new PeerPresence(session, peers);
    try {
      const checks: Check[] = [ok("xmpp login", `${jid} on ${service}`)];
      checks.push(secure ? ok("tls", "the stream is encrypted")
        : isLoopbackService(service) ? skip("tls", "loopback server: plaintext allowed") : fail("tls", `${service} is not encrypted`, "enable STARTTLS on the server (herald.allowInsecure only if you must)"));
      const node = new PubsubNode(session, x.pubsub, pubsubNodeName(x.repoId));
      let present = true;
      try {
        await within(node.items(1), timeoutMs, "pubsub");
      } catch (e) {
        if (!(e instanceof XmppStanzaError && e.condition === "item-not-found")) return { checks: [...checks, fail("pubsub node", `${x.pubsub}: ${(e as Error).message}`, "check herald.pubsub (default pubsub.<domain>)")], heard: null };
        present = false;
      }
      if (!present && !(await within(node.ensure(), timeoutMs, "pubsub create").then(() => true, () => false))) {
        return { checks: [...checks, fail("pubsub node", `${node.node} does not exist on ${x.pubsub} and ${jid} may not create it`, "list the agents' accounts as admins of the pubsub component (docker/README.md)")], heard: null };
      }
      checks.push(ok("pubsub node", `${node.node} on ${x.pubsub}${present ? "" : " (created now)"}`));
      const stamps = await within(serverStampsPublisher(node, jid), timeoutMs, "publisher probe").catch((e: Error) => e);
      checks.push(stamps instanceof Error ? fail("publisher", `${x.pubsub}: ${stamps.message}`, "check that the pubsub component runs (herald.pubsub)")
        : stamps ? ok("publisher", `${x.pubsub} stamps the publisher on items`)
          : fail("publisher", `${x.pubsub} does not stamp publishers on items: every announcement is ignored`, PUBLISHER_FIX));
      const seen = await within(lastSeen(node, peers), timeoutMs, "pubsub items").catch(() => ({ announced: new Map<string, number>(), nodes: new Set<string>() }));
      const quiet = peers.filter((p) => !seen.announced.has(p));
      const online = await presence.online(quiet, Math.min(timeoutMs, PRESENCE_WAIT_MS));
      checks.push(judgePeers(peers, seen.announced, online));
      checks.push(judgeClock(await clockSkew(session, session.domain, timeoutMs), session.domain));
      return { checks, heard: seen.nodes };
    } finally {
      presence.stop();
    }
  }, (reason, e) => ({
    checks: [fail("xmpp login", `${jid} on ${service}: ${reason}`, (e as { code?: unknown } | null)?.code === "ECONNREFUSED" ? REFUSED_FIX : "check herald.jid, the password file and herald.service")],
    heard: null,
  }));
}

/** How long to wait for the presence of a peer asked for it now (its agent answers at once). */
const PRESENCE_WAIT_MS = 3000;

/** When each allow-listed peer last announced on the node (its items persist), and every node
 * heard there (announcements and map adverts from allow-listed publishers). */
async function lastSeen(node: PubsubNode, peers: readonly string[]): Promise<{ announced: Map<string, number>; nodes: Set<string> }> {
  const announced = new Map<string, number>();
  const nodes = new Set<string>();
  for (const item of await node.items()) {
    const who = item.publisher ? bareJid(item.publisher) : null;
    const d = decodePayload(item.payload);
    if (!who || !peers.includes(who) || !d.ok) continue;
    if (d.value.kind === "map" && !d.value.advert.passive && d.value.advert.by === undefined) nodes.add(d.value.advert.node);
    if (d.value.kind !== "announce") continue;
    nodes.add(d.value.announcement.node);
    const agoMs = Math.max(0, Date.now() - d.value.announcement.time);
    announced.set(who, Math.min(agoMs, announced.get(who) ?? Infinity));
  }
  return { announced, nodes };
}

/** Our clock minus the server's (XEP-0202), corrected by half the round trip; null if it does not say. */
async function clockSkew(session: Session, domain: string, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  const res = await within(session.request(xml("iq", { type: "get", to: domain }, xml("time", { xmlns: NS_TIME }))), timeoutMs, "time").catch(() => null);
  const utc = res?.getChild("time", NS_TIME)?.getChildText("utc");
  const server = utc ? Date.parse(utc) : NaN;
  return Number.isFinite(server) ? (t0 + Date.now()) / 2 - server : null;
}
