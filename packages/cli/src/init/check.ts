// `herald init`'s check: log in as the agent will (same Session, same TLS rules), ask the pubsub
// service for the repository's node, and make sure the server stamps publishers on items (else
// every announcement would be ignored). A node nobody has created yet answers item-not-found,
// which is fine: the agent creates it, and the probe then runs on it.
import { PubsubNode, PUBLISHER_FIX, serverStampsPublisher, withLogin, within, loginFailure, XmppStanzaError } from "@herald/agent";
import type { SrvRecord } from "node:dns";
import { resolveSrv } from "node:dns/promises";
import { CliError } from "../cli-error.js";

export interface CheckTarget {
  jid: string;
  password: string;
  service: string;
  pubsub: string;
  /** The pubsub node the agent will use (herald/<repo id>). */
  node: string;
  allowInsecure: boolean;
  /** Where `service` came from when no --service or herald.service named it (said on failure). */
  derived?: string;
  /** herald.tlsCa */
  tlsCa?: string;
}

/** The address to try for `domain` when none is set, as the agent finds it: DNS SRV
 * (_xmpp-client._tcp, RFC 6120 §3.2.1), else the domain itself on 5222; and how it was found. */
export async function defaultService(domain: string, srv: (name: string) => Promise<SrvRecord[]> = resolveSrv): Promise<{ service: string; derived: string }> {
  const name = `_xmpp-client._tcp.${domain}`;
  const records = (await srv(name).catch((): SrvRecord[] => [])).filter((r) => r.name !== ".");
  const best = records.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
  return best
    ? { service: `xmpp://${best.name.replace(/\.$/, "")}:${best.port}`, derived: `from the DNS SRV record ${name}` }
    : { service: `xmpp://${domain}:5222`, derived: `from the account's domain; there is no DNS SRV record ${name}` };
}

export async function checkLogin(t: CheckTarget, timeoutMs = 10_000): Promise<void> {
  const opts = { jid: t.jid, password: t.password, service: t.service, resource: `herald-init-${process.pid}`, allowInsecure: t.allowInsecure, ...(t.tlsCa ? { tlsCa: t.tlsCa } : {}) };
  await withLogin(opts, timeoutMs, async (session) => {
    const node = new PubsubNode(session, t.pubsub, t.node);
    const exists = await within(node.items(1), timeoutMs, "pubsub").then(() => true, (e: unknown) => {
      if (e instanceof XmppStanzaError && e.condition === "item-not-found") return false;
      throw new CliError(`logged in to ${t.service} as ${t.jid}, but cannot reach the pubsub service ${t.pubsub}: ${loginFailure(e)}`, "PUBSUB_UNREACHABLE", { cause: e });
    });
    // Without the node (and no right to create it) there is nothing to probe yet; the agent says so.
    if (!exists && !(await node.ensure().then(() => true, () => false))) return;
    if (!(await within(serverStampsPublisher(node, t.jid), timeoutMs, "publisher probe"))) {
      throw new CliError(`${t.pubsub} does not stamp publishers on items, so every announcement would be ignored: ${PUBLISHER_FIX} (or --no-check)`, "PUBLISHER_NOT_STAMPED");
    }
  }, (reason, e) => {
    // Not found, refused, silent: the address was a guess; say which, and how to give the right one.
    if (t.derived && !/not authorized/.test(reason)) {
      throw new CliError(`cannot log in as ${t.jid}: ${reason} at ${t.service} (${t.derived}); give the server's address with --service xmpp://HOST:PORT`, "LOGIN_FAILED", { cause: e });
    }
    throw new CliError(`cannot log in to ${t.service} as ${t.jid}: ${reason}`, "LOGIN_FAILED", { cause: e });
  });
}
