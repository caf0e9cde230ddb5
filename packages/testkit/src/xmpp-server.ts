// A real, throwaway Prosody for integration tests, the demo and the benchmarks.
// Loopback only, a free port, its own temp dir; kept as a child of this process so that stopping it
// never leaves a zombie for PID 1 to reap (xmpp-test-server.md §3).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, portOpen } from "./ports.js";
import { prosodyConfig, type S2sOptions } from "./prosody-config.js";
import { makeServerCertificate } from "./tls-ca.js";

const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Account { username: string; password: string; jid: string }

export interface XmppServer {
  kind: "prosody" | "ejabberd";
  dir: string;
  port: number;
  /** e.g. `xmpp://127.0.0.1:40123` (STARTTLS required, unless started `plaintext`) */
  service: string;
  /** Direct TLS (XEP-0368), e.g. `xmpps://127.0.0.1:40124`; unset when `plaintext`. */
  tlsService?: string;
  domain: string;
  /** the pubsub service JID, e.g. `pubsub.localhost` */
  pubsub: string;
  accounts: Account[];
  /** The CA that signed the server's certificate (trust it with herald.tlsCa); unset when `plaintext`. */
  caFile?: string;
  register(username: string, password?: string): Promise<Account>;
  /** Stops the server process and keeps its port and data (fault injection). */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

export interface StartXmppServerOptions {
  /** A count (accounts `agent1`…`agentN`) or a list of user names. Passwords are `<name>-pw`. */
  accounts?: number | string[];
  domain?: string;
  /** Plaintext c2s, no TLS offered: only for a test about plaintext. The default is STARTTLS
   * required plus a direct-TLS port, with a certificate signed by the run's CA (tls-ca.ts). */
  plaintext?: boolean;
  /** false: the same as `plaintext: true`. */
  tls?: boolean;
  /** The DNS names the server certificate carries (default: the domain and pubsub.<domain>). */
  certNames?: string[];
  /** false: a stock Prosody's default, where items carry no publisher (see prosody-config.ts). */
  exposePublisher?: boolean;
  startTimeoutMs?: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  ip?: string;
  /** Federation with other test servers (prosody-config.ts). */
  s2s?: S2sOptions;
}

export async function prosodyInstalled(): Promise<boolean> {
  return execFileP("prosodyctl", ["about"]).then(() => true, () => false);
}

export async function startXmppServer(opts: StartXmppServerOptions = {}): Promise<XmppServer> {
  const domain = opts.domain ?? "localhost";
  const names = typeof opts.accounts === "number"
    ? Array.from({ length: opts.accounts }, (_, i) => `agent${i + 1}`)
    : (opts.accounts ?? ["agent1", "agent2"]);
  const tls = !(opts.plaintext ?? opts.tls === false);
  const dir = await mkdtemp(join(tmpdir(), "herald-prosody-"));
  await mkdir(join(dir, "data"), { recursive: true });
  await mkdir(join(dir, "certs"), { recursive: true });
  const cfg = join(dir, "prosody.cfg.lua");
  // Prosody finds a host's certificate as certs/<host>.crt and .key.
  const caFile = tls ? (await makeServerCertificate(join(dir, "certs"), domain, opts.certNames ?? [domain, `pubsub.${domain}`])).caFile : undefined;

  let child: ChildProcess | undefined;
  let port = 0;
  let tlsPort = 0;
  const timeout = opts.startTimeoutMs ?? 15_000;
  const runAsRoot = process.getuid?.() === 0;
  const pubsubAdmins = names.map((n) => `${n}@${domain}`);
  const ip = opts.ip ?? "127.0.0.1";

  const launch = async (): Promise<"ready" | "busy"> => {
    await writeFile(cfg, prosodyConfig({ dir, port, ...(tls ? { directTlsPort: tlsPort } : {}), domain, pubsubAdmins, tls, runAsRoot, ip, ...(opts.s2s ? { s2s: opts.s2s } : {}), ...(opts.exposePublisher === false ? { exposePublisher: false } : {}) }));
    const logFile = join(dir, "prosody.log");
    await rm(logFile, { force: true });
    await rm(join(dir, "prosody.pid"), { force: true });
    // /usr/bin/prosody is a Lua script: the child's pid is the server itself.
    const c = spawn("prosody", ["--config", cfg, "-F"], { stdio: "ignore" });
    let exited = false;
    c.once("exit", () => { exited = true; });
    c.once("error", () => { exited = true; });
    const deadline = Date.now() + timeout;
    // Ready = c2s bound on our port and mod_posix wrote our pid. A failed bind is only logged (the
    // server keeps running) and a refusal to run as root hangs it, so the log is the truth.
    while (!exited && Date.now() < deadline) {
      const log = await readFile(logFile, "utf8").catch(() => "");
      if (/Failed to open server port/.test(log)) { await kill(c); return "busy"; }
      if (/Shutting down|Refusing to run as root/.test(log)) break;
      const pid = (await readFile(join(dir, "prosody.pid"), "utf8").catch(() => "")).trim();
      const direct = !tls || (log.includes(`Activated service 'c2s_direct_tls' on [${ip}]:${tlsPort}`) && (await portOpen(tlsPort, ip)));
      if (log.includes(`Activated service 'c2s' on [${ip}]:${port}`) && pid === String(c.pid) && direct && (await portOpen(port, ip))) {
        child = c;
        return "ready";
      }
      await sleep(10);
    }
    await kill(c);
    const log = await readFile(logFile, "utf8").catch(() => "(no log)");
    throw new Error(`prosody did not start on port ${port} (dir ${dir}):\n${log}`);
  };

  try {
    for (let attempt = 0; ; attempt++) {
      port = await freePort(ip);
      do tlsPort = await freePort(ip); while (tlsPort === port);
      if ((await launch()) === "ready") break;
      if (attempt === 4) throw new Error("prosody: no free port after 5 attempts");
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  const register = async (username: string, password = `${username}-pw`): Promise<Account> => {
    await execFileP("prosodyctl", ["--config", cfg, "register", username, domain, password]);
    return { username, password, jid: `${username}@${domain}` };
  };
  const accounts = await Promise.all(names.map((n) => register(n)));

  const halt = async () => {
    if (child) await kill(child);
    child = undefined;
  };
  const resume = async () => {
    if (child) return;
    if ((await launch()) !== "ready") throw new Error(`prosody: port ${port} was taken while halted`);
  };
  return {
    kind: "prosody", dir, port, domain, accounts, caFile,
    service: `xmpp://${ip}:${port}`,
    ...(tls ? { tlsService: `xmpps://${ip}:${tlsPort}` } : {}),
    pubsub: `pubsub.${domain}`,
    register, halt, resume,
    restart: async () => { await halt(); await resume(); },
    stop: async () => { await halt(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
async function kill(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once("exit", r));
  c.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((r) => { timer = setTimeout(r, 5_000); });
  if ((await Promise.race([exited.then(() => "exited"), late])) !== "exited") c.kill("SIGKILL");
  clearTimeout(timer);
  await exited;
}

/** The git config a client of `server` needs besides its account: address, pubsub service, and
 * the CA to trust (herald.tlsCa) unless the server is plaintext. */
export function serverSettings(server: Pick<XmppServer, "service" | "pubsub" | "caFile">, service = server.service): Array<[string, string]> {
  return [["herald.service", service], ["herald.pubsub", server.pubsub], ...(server.caFile ? [["herald.tlsCa", server.caFile] as [string, string]] : [])];
}
