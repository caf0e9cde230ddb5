// A short-lived login for a check (herald init, herald doctor): the same Session, the same TLS
// rules as the agent's, a time limit on every step, and a plain reason for the failures people
// meet. Every socket the client opened is destroyed at the end: @xmpp/client detaches a socket it
// could not close politely but leaves it open, and a silent server then keeps the command alive.
import type { Socket } from "node:net";
import { silentLogger } from "../log.js";
import { Session, type SessionOptions } from "./session.js";

export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s (${what})`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Short reasons for the failures people meet; anything else as the library words it. */
export function loginFailure(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return `connection refused (${msg.replace(/^connect ECONNREFUSED /, "")})`;
  if (code === "ENOTFOUND") return "no such host";
  if (/not-authorized/.test(msg)) return "not authorized (wrong password, or no such account)";
  if ((e as Error).name === "TimeoutError") return "no answer to the XMPP stream header (is it an XMPP server?)";
  return msg || String(code ?? "unknown error");
}

/**
 * Log in, run `fn` with the session, log out. `onLoginFailed` turns a failed login into what the
 * caller throws or reports. `secure`: whether the stream is encrypted (TLS).
 */
export async function withLogin<T>(opts: SessionOptions, timeoutMs: number, fn: (s: Session, secure: boolean) => Promise<T>, onLoginFailed: (reason: string, e: unknown) => T | Promise<T>): Promise<T> {
  const session = new Session(opts, silentLogger);
  const sockets = new Set<Socket>();
  const grab = () => { const sock = session.client.socket as Socket | null; if (sock) sockets.add(sock); };
  session.client.on("connect", grab);
  try {
    const started = session.start();
    started.catch(() => undefined); // a late failure after the timeout is not news
    const loggedIn = await within(started, timeoutMs, "login").then(() => true, (e: unknown) => e);
    if (loggedIn !== true) return await onLoginFailed(loginFailure(loggedIn), loggedIn);
    const socket = session.client.socket as { encrypted?: boolean } | null;
    return await fn(session, socket?.encrypted === true);
  } finally {
    grab();
    await within(session.stop(), 2000, "logout").catch(() => undefined);
    for (const sock of sockets) sock.destroy();
  }
}
