// A real, throwaway ejabberd (Debian 23.01) for integration tests: the alternative server to
// Prosody, behind the same XmppServer handle (xmpp-test-server.md §7). One node (ejabberd-node.ts)
// with the accounts registered; ejabberd-cluster.ts joins several.
import { startEjabberdNode, type EjabberdNode } from "./ejabberd-node.js";
import { sleep } from "./ejabberd-process.js";
import type { Account, StartXmppServerOptions, XmppServer } from "./xmpp-server.js";

export { ejabberdInstalled } from "./ejabberd-process.js";
export { ejabberdConfig, patchEjabberdctl, type EjabberdConfigOptions } from "./ejabberd-config.js";

export type StartEjabberdServerOptions = StartXmppServerOptions;

export function accountNames(accounts: StartXmppServerOptions["accounts"]): string[] {
  return typeof accounts === "number"
    ? Array.from({ length: accounts }, (_, i) => `agent${i + 1}`)
    : (accounts ?? ["agent1", "agent2"]);
}

/** Registers one account through `node` (in a cluster, Mnesia replicates it to every node). */
export async function registerOn(node: EjabberdNode, domain: string, username: string, password = `${username}-pw`): Promise<Account> {
  let last = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await node.ctl("register", username, domain, password);
    if (r.code === 0) return { username, password, jid: `${username}@${domain}` };
    last = r.out;
    // A retry after a lost answer, or an old account: make the password the one asked for.
    if (/already registered/i.test(r.out)) {
      const c = await node.ctl("change_password", username, domain, password);
      if (c.code === 0) return { username, password, jid: `${username}@${domain}` };
      last = c.out;
    }
    await sleep(100);
  }
  throw new Error(`ejabberdctl register ${username}@${domain} failed: ${last}`);
}

/**
 * Starts a throwaway ejabberd and registers the accounts (in parallel, one ejabberdctl VM each).
 * Slower than Prosody: about 1 s to start, 0.3–0.5 s per account batch, 1 s to stop.
 */
export async function startEjabberdServer(opts: StartEjabberdServerOptions = {}): Promise<XmppServer> {
  const domain = opts.domain ?? "localhost";
  const tls = !(opts.plaintext ?? opts.tls === false);
  const node = await startEjabberdNode({ domain, tls, ...(opts.certNames ? { certNames: opts.certNames } : {}), startTimeoutMs: opts.startTimeoutMs ?? 30_000 });
  let accounts: Account[];
  try {
    accounts = await Promise.all(accountNames(opts.accounts).map((n) => registerOn(node, domain, n)));
  } catch (e) {
    await node.stop();
    throw e;
  }
  return {
    kind: "ejabberd", dir: node.dir, port: node.port, domain, accounts, caFile: node.caFile,
    service: `xmpp://127.0.0.1:${node.port}`,
    ...(node.tlsPort ? { tlsService: `xmpps://127.0.0.1:${node.tlsPort}` } : {}),
    pubsub: `pubsub.${domain}`,
    register: (username, password) => registerOn(node, domain, username, password),
    halt: () => node.halt(),
    resume: () => node.resume(),
    restart: async () => { await node.halt(); await node.resume(); },
    stop: () => node.stop(),
  };
}
