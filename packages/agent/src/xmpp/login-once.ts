// A short-lived login for a check (herald init, herald doctor): the same Session, the same TLS
// rules as the agent's, a time limit on every step, and a plain reason for the failures people
// meet. Session.stop destroys every socket the client opened (a silent server would otherwise
// keep the command alive).
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
  if (code === "ECONNREFUSED") return `nothing is listening at ${msg.replace(/^connect ECONNREFUSED /, "")} (connection refused): is the XMPP server running there, and is herald.service right?`;
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
  try {
    const started = session.start();
    started.catch(() => undefined); // a late failure after the timeout is not news
    const loggedIn = await within(started, timeoutMs, "login").then(() => true, (e: unknown) => e);
    if (loggedIn !== true) return await onLoginFailed(loginFailure(loggedIn), loggedIn);
    return await fn(session, session.secure);
  } finally {
    await within(session.stop(), 5000, "logout").catch(() => undefined);
  }
}
