// Who may use the dashboard, as pure decisions (the server only gathers the request's facts).
// The API key ($XDG_CONFIG_HOME/herald/api-key) comes as X-API-Key or Authorization: Bearer; a
// browser gets a session cookie from /login?token=… instead (a one-time token, login-tokens.ts).
// The cookie is sent by the browser on its own, so a state change by cookie also needs the CSRF
// token (which only our page can read) and the page's own Origin. The Host must be ours too: a
// DNS-rebinding page would name another.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "herald_session";

export interface RequestFacts {
  method: string;
  host?: string;
  origin?: string;
  apiKey?: string;
  authorization?: string;
  cookie?: string;
  csrf?: string;
}

export interface AuthPolicy {
  key: string;
  /** Host header values that name this server (127.0.0.1:PORT, localhost:PORT). */
  hosts: readonly string[];
  /** Origins of our own page (http://127.0.0.1:PORT, …). */
  origins: readonly string[];
}

export type Decision = { ok: true; via: "key" | "cookie" } | { ok: false; status: 401 | 403; code: string; error: string };

/** Derived from the key, so a new key ends old sessions and nothing needs storing. */
export const sessionToken = (key: string): string => createHmac("sha256", key).update("herald session v1").digest("base64url");
export const csrfToken = (key: string): string => createHmac("sha256", key).update("herald csrf v1").digest("base64url");

/** Constant-time comparison of two secrets (hashed first: timingSafeEqual needs equal lengths). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHmac("sha256", "herald compare").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

const deny = (status: 401 | 403, code: string, error: string): Decision => ({ ok: false, status, code, error });

export function authorize(req: RequestFacts, policy: AuthPolicy): Decision {
  if (!req.host || !policy.hosts.includes(req.host.toLowerCase())) return deny(403, "BAD_HOST", `this server does not answer for host ${JSON.stringify(req.host ?? "")}`);
  // A browser names the page a request comes from; another site's page is never allowed.
  if (req.origin !== undefined && !policy.origins.includes(req.origin)) return deny(403, "BAD_ORIGIN", `requests from ${JSON.stringify(req.origin)} are not allowed`);
  const bearer = /^Bearer (\S+)$/i.exec(req.authorization ?? "")?.[1];
  const given = req.apiKey ?? bearer;
  if (given !== undefined) return sameSecret(given, policy.key) ? { ok: true, via: "key" } : deny(401, "BAD_KEY", "wrong API key");
  const session = cookieValue(req.cookie, SESSION_COOKIE);
  if (session === undefined || !sameSecret(session, sessionToken(policy.key))) {
    return deny(401, "NO_KEY", "an API key is needed (X-API-Key or Authorization: Bearer; in a browser, log in with the link `herald open` prints)");
  }
  if (req.method === "GET" || req.method === "HEAD") return { ok: true, via: "cookie" };
  if (req.origin === undefined) return deny(403, "BAD_ORIGIN", "a change by session cookie must come from the dashboard's page (no Origin header)");
  if (req.csrf === undefined || !sameSecret(req.csrf, csrfToken(policy.key))) return deny(403, "BAD_CSRF", "missing or wrong CSRF token (X-CSRF-Token)");
  return { ok: true, via: "cookie" };
}

/**
 * The hosts and origins of a server listening on `host`:`port`; off loopback also `extra` (the
 * machine's own name, by which others reach a server bound to all addresses).
 */
export function ownNames(host: string, port: number, tls: boolean, extra: string[] = []): { hosts: string[]; origins: string[] } {
  const names = host === "127.0.0.1" || host === "localhost" ? ["127.0.0.1", "localhost"] : [...new Set([host, ...extra])].map((h) => (h.includes(":") ? `[${h}]` : h));
  const hosts = names.map((n) => `${n}:${port}`.toLowerCase());
  return { hosts, origins: hosts.map((h) => `${tls ? "https" : "http"}://${h}`) };
}
