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

const NS_TIME = "urn:xmpp:time";

export async function xmppChecks(x: XmppSettings, peers: readonly string[], timeoutMs = 10_000): Promise<Check[]> {
  const { jid, service = "" } = x.session;
  const opts = { ...x.session, resource: `herald-doctor-${process.pid}` };
  return withLogin(opts, timeoutMs, async (session, secure) => {
    const checks: Check[] = [ok("xmpp login", `${jid} on ${service}`)];
    checks.push(secure ? ok("tls", "the stream is encrypted")
      : isLoopbackService(service) ? skip("tls", "loopback server: plaintext allowed") : fail("tls", `${service} is not encrypted`, "enable STARTTLS on the server (herald.allowInsecure only if you must)"));
    const node = new PubsubNode(session, x.pubsub, pubsubNodeName(x.repoId));
    let present = true;
    try {
      await within(node.items(1), timeoutMs, "pubsub");
    } catch (e) {
      if (!(e instanceof XmppStanzaError && e.condition === "item-not-found")) return [...checks, fail("pubsub node", `${x.pubsub}: ${(e as Error).message}`, "check herald.pubsub (default pubsub.<domain>)")];
      present = false;
    }
    if (!present && !(await node.ensure().then(() => true, () => false))) {
      return [...checks, fail("pubsub node", `${node.node} does not exist on ${x.pubsub} and ${jid} may not create it`, "list the agents' accounts as admins of the pubsub component (docker/README.md)")];
    }
    checks.push(ok("pubsub node", `${node.node} on ${x.pubsub}${present ? "" : " (created now)"}`));
    checks.push(await within(serverStampsPublisher(node, jid), timeoutMs, "publisher probe")
      ? ok("publisher", `${x.pubsub} stamps the publisher on items`)
      : fail("publisher", `${x.pubsub} does not stamp publishers on items: every announcement is ignored`, PUBLISHER_FIX));
    checks.push(judgePeers(peers, await lastSeen(node, peers)));
    checks.push(judgeClock(await clockSkew(session, session.domain, timeoutMs), session.domain));
    return checks;
  }, (reason) => [fail("xmpp login", `${jid} on ${service}: ${reason}`, "check herald.jid, the password file and herald.service")]);
}

/** How long ago each allow-listed peer last announced on the node (its items persist). */
async function lastSeen(node: PubsubNode, peers: readonly string[]): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const item of await node.items()) {
    const who = item.publisher ? bareJid(item.publisher) : null;
    const d = decodePayload(item.payload);
    if (!who || !peers.includes(who) || !d.ok || d.value.kind !== "announce") continue;
    const agoMs = Math.max(0, Date.now() - d.value.announcement.time);
    seen.set(who, Math.min(agoMs, seen.get(who) ?? Infinity));
  }
  return seen;
}

/** Our clock minus the server's (XEP-0202), corrected by half the round trip; null if it does not say. */
async function clockSkew(session: Session, domain: string, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  const res = await within(session.request(xml("iq", { type: "get", to: domain }, xml("time", { xmlns: NS_TIME }))), timeoutMs, "time").catch(() => null);
  const utc = res?.getChild("time", NS_TIME)?.getChildText("utc");
  const server = utc ? Date.parse(utc) : NaN;
  return Number.isFinite(server) ? (t0 + Date.now()) / 2 - server : null;
}
