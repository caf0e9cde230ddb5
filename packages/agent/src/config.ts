// Herald's settings live in git config, per clone, like git-annex's annex.* (shared/docs/interfaces.md).
// parseConfig is pure and validates everything before the agent does anything; readConfigEntries does the I/O.
import { isNodeId, isRepoId } from "@herald/protocol";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { isAbsolute } from "node:path";
import { parseDuration } from "./duration.js";
import { DEFAULT_NETWORK_TIMEOUT_S } from "./git/network-policy.js";
import { ConfigError } from "./errors.js";
import type { GitRepo } from "./git/repo.js";
import { parseVerifySettings, type VerifySettings } from "./verify/verify-policy.js";

export interface RemoteConfig {
  name: string;
  url: string;
  /** node id of the clone behind this remote (`remote.<name>.herald-node`) */
  node?: string;
  cost?: number;
  removable?: boolean;
}

export interface AgentConfig {
  node: string;
  repo?: string;
  jid?: string;
  passwordFile?: string;
  /** herald.service, in order: tried in turn (none: DNS SRV, then the JID's domain). */
  services: string[];
  pubsub?: string;
  /** herald.tlsCa: a PEM file of CA certificates trusted for the XMPP server beside the system store. */
  tlsCa?: string;
  peers: string[];
  admins: string[];
  autocommit: boolean;
  hook?: string;
  retryIntervalMs: number;
  allowInsecure: boolean;
  remotes: RemoteConfig[];
  /** transfer limits every push obeys (herald.maxConcurrentTransfers, …PerMinute, maxBytesPerSecond);
   * unset: pushes run all at once, annexed content 4 at a time (content.ts) */
  limits: { concurrent?: number; transfersPerMinute?: number; bytesPerSecond?: number };
  /** herald.sshCaching (default true): one ssh connection per host, reused (git/ssh-env.ts). */
  sshCaching: boolean;
  /** herald.networkTimeout: a network git or git-annex command that prints nothing for this long
   * is killed and retried (git/network-policy.ts). */
  networkTimeoutMs: number;
  /** herald.verify, herald.allowedSigners and herald.allowedOpenpgpKeys: what a peer's commits must show to be merged (verify/). */
  verify: VerifySettings;
  /** The clone's core.sshCommand: Herald's ssh options build on it (git/ssh-env.ts). */
  sshCommand?: string;
}

export const DEFAULT_RETRY_INTERVAL_MS = 30 * 60_000;

/** A stable, readable node id: host name plus a short hash of the clone's path. */
export function defaultNodeId(path: string, host = hostname()): string {
  const h = createHash("sha256").update(path).digest("hex").slice(0, 6);
  const name = host.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[.]+$/g, "").slice(0, 50) || "node";
  return `${name}-${h}`;
}

/** Pure: `500`, `64k`, `10M`, `1G` (binary multiples) as a positive number; null if not one. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]) * 1024 ** ["", "k", "m", "g"].indexOf(m[2]!.toLowerCase());
  return Number.isFinite(n) && n > 0 ? n : null;
}

function positive(key: string, v: string | undefined, parse: (s: string) => number | null, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = parse(v);
  if (n === null) throw new ConfigError(key, `expected ${what}, got ${JSON.stringify(v)}`);
  return n;
}

const BOOL_TRUE = new Set(["true", "yes", "on", "1"]);
const BOOL_FALSE = new Set(["false", "no", "off", "0", ""]);
const JID = /^[^@/\s]+@[^@/\s]+$/;

function bool(key: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  const s = v.toLowerCase();
  if (BOOL_TRUE.has(s)) return true;
  if (BOOL_FALSE.has(s)) return false;
  throw new ConfigError(key, `expected true or false, got ${JSON.stringify(v)}`);
}

/** `entries` are git config (key, value) pairs; git lowercases section and variable names. */
export function parseConfig(entries: Array<[string, string]>, clonePath: string): AgentConfig {
  const one = new Map<string, string>();
  const many = new Map<string, string[]>();
  for (const [k, v] of entries) {
    one.set(k, v);
    many.set(k, [...(many.get(k) ?? []), v]);
  }
  const node = one.get("herald.node") ?? defaultNodeId(clonePath);
  if (!isNodeId(node)) throw new ConfigError("herald.node", `${JSON.stringify(node)} is not a valid node id (letters, digits, . _ -; at most 64)`);
  const repo = one.get("herald.repo");
  if (repo !== undefined && !isRepoId(repo)) throw new ConfigError("herald.repo", `${JSON.stringify(repo)} is not a valid repository id`);
  const jids = (key: string) => (many.get(key) ?? []).map((j) => {
    if (!JID.test(j)) throw new ConfigError(key, `${JSON.stringify(j)} is not a bare JID (user@domain)`);
    return j.toLowerCase();
  });
  const jid = one.get("herald.jid");
  if (jid !== undefined && !JID.test(jid)) throw new ConfigError("herald.jid", `${JSON.stringify(jid)} is not a bare JID (user@domain)`);
  const services = many.get("herald.service") ?? [];
  for (const service of services) {
    if (!/^xmpps?:\/\/[^/\s]+$/.test(service)) throw new ConfigError("herald.service", `expected xmpp://host:port or xmpps://host:port, got ${JSON.stringify(service)}`);
  }
  const tlsCa = one.get("herald.tlsca");
  if (tlsCa !== undefined && !isAbsolute(tlsCa)) throw new ConfigError("herald.tlsCa", `expected an absolute path to a PEM file, got ${JSON.stringify(tlsCa)}`);
  const retryText = one.get("herald.retryinterval");
  const retryIntervalMs = retryText === undefined ? DEFAULT_RETRY_INTERVAL_MS : parseDuration(retryText);
  if (retryIntervalMs === null) throw new ConfigError("herald.retryInterval", `expected a duration such as 1s, 90s, 30m or 2h, got ${JSON.stringify(retryText)}`);
  const timeoutText = one.get("herald.networktimeout");
  const networkTimeoutMs = timeoutText === undefined ? DEFAULT_NETWORK_TIMEOUT_S * 1000 : parseDuration(timeoutText);
  if (networkTimeoutMs === null) throw new ConfigError("herald.networkTimeout", `expected a number of seconds such as 30 (or a duration: 90s, 2m), got ${JSON.stringify(timeoutText)}`);

  const remotes = new Map<string, RemoteConfig>();
  for (const [k, v] of entries) {
    const m = /^remote\.(.+)\.(url|herald-node|herald-cost|herald-removable)$/.exec(k);
    if (!m) continue;
    const [, name, field] = m as unknown as [string, string, string];
    const r = remotes.get(name) ?? { name, url: "" };
    if (field === "url") r.url = v;
    else if (field === "herald-node") {
      if (!isNodeId(v)) throw new ConfigError(k, `${JSON.stringify(v)} is not a valid node id`);
      r.node = v;
    } else if (field === "herald-cost") {
      const cost = Number(v);
      if (!Number.isFinite(cost) || cost < 0 || v.trim() === "") throw new ConfigError(k, `expected a number >= 0, got ${JSON.stringify(v)}`);
      r.cost = cost;
    } else r.removable = bool(k, v, false);
    remotes.set(name, r);
  }
  return {
    node,
    ...(repo !== undefined ? { repo } : {}),
    ...(jid !== undefined ? { jid: jid.toLowerCase() } : {}),
    ...(one.has("herald.passwordfile") ? { passwordFile: one.get("herald.passwordfile")! } : {}),
    services,
    ...(one.has("herald.pubsub") ? { pubsub: one.get("herald.pubsub")! } : {}),
    ...(tlsCa !== undefined ? { tlsCa } : {}),
    peers: jids("herald.peer"),
    admins: jids("herald.admin"),
    autocommit: bool("herald.autocommit", one.get("herald.autocommit"), false),
    ...(one.get("herald.hook") ? { hook: one.get("herald.hook")! } : {}),
    retryIntervalMs,
    allowInsecure: bool("herald.allowInsecure", one.get("herald.allowinsecure"), false),
    sshCaching: bool("herald.sshCaching", one.get("herald.sshcaching"), true),
    networkTimeoutMs,
    verify: parseVerifySettings(one.get("herald.verify"), one.get("herald.allowedsigners"), one.get("herald.allowedopenpgpkeys"), { program: one.get("gpg.ssh.program"), revocationFile: one.get("gpg.ssh.revocationfile") }),
    ...(one.get("core.sshcommand") ? { sshCommand: one.get("core.sshcommand")! } : {}),
    remotes: [...remotes.values()].filter((r) => r.url !== "").sort((a, b) => (a.name < b.name ? -1 : 1)),
    limits: {
      ...optional("concurrent", positive("herald.maxConcurrentTransfers", one.get("herald.maxconcurrenttransfers"), (x) => (/^\s*[1-9]\d*\s*$/.test(x) ? Number(x) : null), "a whole number >= 1")),
      ...optional("transfersPerMinute", positive("herald.maxTransfersPerMinute", one.get("herald.maxtransfersperminute"), (x) => { const n = Number(x); return x.trim() !== "" && Number.isFinite(n) && n > 0 ? n : null; }, "a number > 0")),
      ...optional("bytesPerSecond", positive("herald.maxBytesPerSecond", one.get("herald.maxbytespersecond"), parseSize, "a size such as 500k or 10M")),
    },
  };
}

function optional<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}

/** git's `--null` records: `key\nvalue`, or a bare `key` for a valueless boolean (true). */
export function parseConfigNull(out: string): Array<[string, string]> {
  return out.split("\0").filter(Boolean).map((rec): [string, string] => {
    const nl = rec.indexOf("\n");
    return nl < 0 ? [rec, "true"] : [rec.slice(0, nl), rec.slice(nl + 1)];
  });
}

/** The keys Herald reads: its own, the remotes, and core.sshCommand (git/ssh-env.ts). */
export const CONFIG_KEYS = "^(herald|remote)\\.|^core\\.sshcommand$";

/** The clone's herald.*, remote.* and core.sshCommand settings as (key, value) pairs, in git's order. */
export async function readConfigEntries(repo: GitRepo): Promise<Array<[string, string]>> {
  return parseConfigNull((await repo.tryRun(["config", "--null", "--get-regexp", CONFIG_KEYS])) ?? "");
}
