// Federated test servers: one Prosody per domain (e.g. a.test on 127.0.0.2, b.test on 127.0.0.3),
// server-to-server on port 5269 of each address, so a user of one reaches the other's pubsub
// service as on the open network (RFC 6120 §3.2.2: no SRV record, so the domain's address on
// 5269). The domains resolve through a hosts file of the pair's own, handed to Prosody's libunbound
// resolver: nothing under /etc is written, and root is not needed.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { portFree } from "./ports.js";
import { prosodyInstalled, startXmppServer, type XmppServer } from "./xmpp-server.js";

export const S2S_PORT = 5269;

export interface FederatedDomain { domain: string; ip: string; accounts: string[] }

export interface Federation {
  servers: XmppServer[];
  stop(): Promise<void>;
}

/** Why federated servers cannot run here, or null when they can. */
export async function federationUnavailable(domains: readonly FederatedDomain[]): Promise<string | null> {
  if (!(await prosodyInstalled())) return "prosody is not installed (apt-get install prosody)";
  // Without lua-unbound Prosody's legacy resolver reads no hosts file: the .test domains cannot resolve.
  const unbound = await new Promise<boolean>((r) => execFile("lua5.4", ["-e", 'require "lunbound"'], (err) => r(!err)));
  if (!unbound) return "lua-unbound is not installed (apt-get install lua-unbound): Prosody could not resolve the test domains";
  for (const d of domains) {
    if (!(await portFree(S2S_PORT, d.ip))) return `port ${S2S_PORT} on ${d.ip} is taken (or ${d.ip} is not a local address)`;
  }
  return null;
}

export async function startFederation(domains: readonly FederatedDomain[]): Promise<Federation> {
  const dir = await mkdtemp(join(tmpdir(), "herald-federation-"));
  const hostsFile = join(dir, "hosts");
  const resolvConf = join(dir, "resolv.conf");
  // The pubsub component is a domain of its own: events come from it and dialback checks it.
  await writeFile(hostsFile, domains.map((d) => `${d.ip} ${d.domain} pubsub.${d.domain}\n`).join(""));
  // A resolver that refuses at once: SRV lookups for .test fail fast and Prosody falls back to 5269.
  await writeFile(resolvConf, "nameserver 127.0.0.1\n");
  const servers: XmppServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const d of domains) {
      servers.push(await startXmppServer({ domain: d.domain, ip: d.ip, accounts: d.accounts, s2s: { port: S2S_PORT, hostsFile, resolvConf } }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { servers, stop };
}
