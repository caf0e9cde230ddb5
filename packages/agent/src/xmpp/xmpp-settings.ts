// Resolve what an agent needs to log in, from git config and the environment, before any side
// effect: the password from herald.passwordFile or HERALD_PASSWORD (never from git config, never
// logged), the server addresses (herald.service, in order; unset: the XMPP convention, DNS SRV
// _xmpp-client._tcp.<domain> (RFC 6120 §3.2.1), then <domain>:5222), the pubsub service (default
// pubsub.<domain>), the CA certificates trusted beside the system store (herald.tlsCa, read and
// checked here) and the repository id (herald.repo, default the root commit, so every clone
// agrees unasked).
import { isRepoId } from "@herald/protocol";
import type { SrvRecord } from "node:dns";
import { resolveSrv } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import type { AgentConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import type { GitRepo } from "../git/repo.js";
import type { SessionOptions } from "./session.js";
import { readTlsCa } from "./tls-trust.js";

export interface XmppSettings { session: SessionOptions; pubsub: string; repoId: string }

/** Pure: SRV records as addresses, lowest priority first, then heaviest weight (RFC 2782 order, without the lottery). */
export function srvServices(records: readonly SrvRecord[]): string[] {
  return [...records].filter((r) => r.name !== ".").sort((a, b) => a.priority - b.priority || b.weight - a.weight).map((r) => `xmpp://${r.name.replace(/\.$/, "")}:${r.port}`);
}

export async function resolveXmppSettings(repo: GitRepo, config: AgentConfig, env: Record<string, string | undefined>, srv: (name: string) => Promise<SrvRecord[]> = resolveSrv): Promise<XmppSettings> {
  const jid = config.jid!;
  const domain = jid.split("@")[1]!;
  let password = env.HERALD_PASSWORD;
  if (config.passwordFile) {
    const text = await readFile(config.passwordFile, "utf8").catch((e: Error) => {
      throw new ConfigError("herald.passwordFile", `cannot read ${config.passwordFile}: ${e.message}`);
    });
    password = text.replace(/\r?\n$/, "");
  }
  if (!password) throw new ConfigError("herald.passwordFile", "herald.jid is set but there is no password: set herald.passwordFile or HERALD_PASSWORD");
  if (config.tlsCa) readTlsCa(config.tlsCa); // a bad file is this clone's config error, before any login
  const repoId = config.repo ?? (await repo.rootCommit());
  if (!repoId || !isRepoId(repoId)) throw new ConfigError("herald.repo", "no repository id: set herald.repo or make a first commit");
  const services = config.services.length ? config.services
    : [...srvServices(await srv(`_xmpp-client._tcp.${domain}`).catch(() => [])), `xmpp://${domain}:5222`];
  return {
    session: {
      jid, password,
      service: services[0]!,
      ...(services.length > 1 ? { failover: [...new Set(services.slice(1))] } : {}),
      resource: `herald-${config.node}`.slice(0, 64),
      allowInsecure: config.allowInsecure,
      ...(config.tlsCa ? { tlsCa: config.tlsCa } : {}),
      debugStanzas: env.HERALD_DEBUG_XMPP === "1",
    },
    pubsub: config.pubsub ?? `pubsub.${domain}`,
    repoId,
  };
}
