// Where the dashboard listens: herald.webPort (default DEFAULT_WEB_PORT, or any free port when
// another program, or another user's Herald, has that one; 0 takes a free port),
// herald.webHost (default 127.0.0.1). Anything but loopback must be configured on purpose, and
// then only with TLS (herald.webTlsCert and herald.webTlsKey, PEM files): the API key and the
// session cookie would otherwise cross the network in clear.
import { ConfigError } from "../errors.js";

export const DEFAULT_WEB_PORT = 7717;

export interface WebSettings {
  host: string;
  port: number;
  /** herald.webPort unset: when `port` is taken, any free port will do (set, it must be that one). */
  fallback?: true;
  tls?: { cert: string; key: string };
}

export const isLoopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);

/** Pure: the settings from git-config entries (keys lowercase, as git prints them; last one wins). */
export function parseWebSettings(entries: ReadonlyArray<readonly [string, string]>): WebSettings {
  const one = new Map(entries.map(([k, v]) => [k, v.trim()] as const));
  const portText = one.get("herald.webport");
  const port = portText === undefined ? DEFAULT_WEB_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError("herald.webPort", `expected a port number 0-65535 (0: any free port), got ${JSON.stringify(portText)}`);
  const host = one.get("herald.webhost") || "127.0.0.1";
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new ConfigError("herald.webHost", `expected a host name or address, got ${JSON.stringify(host)}`);
  const cert = one.get("herald.webtlscert");
  const key = one.get("herald.webtlskey");
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError(cert ? "herald.webTlsKey" : "herald.webTlsCert", "TLS needs both herald.webTlsCert and herald.webTlsKey");
  if (!isLoopback(host) && !cert) {
    throw new ConfigError("herald.webHost", `serving the dashboard on ${host} (off this machine) needs TLS: set herald.webTlsCert and herald.webTlsKey`);
  }
  return { host, port, ...(portText === undefined ? { fallback: true as const } : {}), ...(cert && key ? { tls: { cert, key } } : {}) };
}
