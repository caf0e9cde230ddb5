// `herald init`'s check: log in as the agent will (same Session, same TLS rules), then ask the
// pubsub service for the repository's node. Any answer from the service proves it is there: a
// node nobody has created yet answers item-not-found, which is fine (the agent creates it).
import type { Socket } from "node:net";
import { PubsubNode, Session, silentLogger, XmppStanzaError } from "@herald/agent";
import { CliError } from "../cli-error.js";

export interface CheckTarget {
  jid: string;
  password: string;
  service: string;
  pubsub: string;
  /** The pubsub node the agent will use (herald/<repo id>). */
  node: string;
  allowInsecure: boolean;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s (${what})`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Short reasons for the failures people meet; anything else as the library words it. */
function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return `connection refused (${msg.replace(/^connect ECONNREFUSED /, "")})`;
  if (code === "ENOTFOUND") return "no such host";
  if (/not-authorized/.test(msg)) return "not authorized (wrong password, or no such account)";
  if ((e as Error).name === "TimeoutError") return "no answer to the XMPP stream header (is it an XMPP server?)";
  return msg || String(code ?? "unknown error");
}

export async function checkLogin(t: CheckTarget, timeoutMs = 10_000): Promise<void> {
  const session = new Session({ jid: t.jid, password: t.password, service: t.service, resource: `herald-init-${process.pid}`, allowInsecure: t.allowInsecure }, silentLogger);
  // Every socket the client opens, to be destroyed at the end: @xmpp/client detaches a socket it
  // could not close politely but leaves it open, and a silent server then keeps herald from exiting.
  const sockets = new Set<Socket>();
  const grab = () => { const sock = session.client.socket as Socket | null; if (sock) sockets.add(sock); };
  session.client.on("connect", grab);
  try {
    const started = session.start();
    started.catch(() => undefined); // a late failure after the timeout is not news
    await within(started, timeoutMs, "login").catch((e: unknown) => {
      throw new CliError(`cannot log in to ${t.service} as ${t.jid}: ${reason(e)}`, "LOGIN_FAILED", { cause: e });
    });
    await within(new PubsubNode(session, t.pubsub, t.node).items(1), timeoutMs, "pubsub").catch((e: unknown) => {
      if (e instanceof XmppStanzaError && e.condition === "item-not-found") return;
      throw new CliError(`logged in to ${t.service} as ${t.jid}, but cannot reach the pubsub service ${t.pubsub}: ${reason(e)}`, "PUBSUB_UNREACHABLE", { cause: e });
    });
  } finally {
    grab();
    await within(session.stop(), 2000, "logout").catch(() => undefined);
    for (const sock of sockets) sock.destroy();
  }
}
