// One ejabberd node (Erlang VM) in a temp dir of its own: config, Mnesia spool and logs there,
// loopback-only c2s on a free port, a node name and cookie of its own; nothing under /etc or
// /var/lib/ejabberd is read or written. The stock ejabberdctl refuses to run as anyone but root or
// `ejabberd` and `su`s when root, so a copy of it with the user check blanked is started directly as
// the `ejabberd` user (when we are root) or as ourselves, in its own process group.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ejabberdConfig, ejabberdctlConfig, patchEjabberdctl } from "./ejabberd-config.js";
import { chownTree, crash, findEjabberdctl, killTree, serverUser, sleep, stopProcess, twoFreePorts } from "./ejabberd-process.js";
import { freePort, portOpen } from "./ports.js";
import { combinedPem, makeServerCertificate } from "./tls-ca.js";

export interface EjabberdNodeOptions {
  domain: string;
  tls: boolean;
  /** DNS names of the server certificate (default: the domain and pubsub.<domain>). */
  certNames?: string[];
  startTimeoutMs: number;
  /** Shared by every node of a cluster (Erlang distribution refuses nodes with another cookie). */
  cookie?: string;
  /** A cluster's private epmd; without it the node has a fixed distribution port and no epmd. */
  epmdPort?: number;
}

export interface EjabberdNode {
  dir: string;
  /** The Erlang node name, e.g. `herald-ab12cd34ef@localhost`. */
  name: string;
  port: number;
  /** Direct TLS c2s port, when `tls`. */
  tlsPort?: number;
  caFile?: string;
  /** One ejabberdctl command against this node (each boots a short-lived Erlang VM). */
  ctl(...args: string[]): Promise<{ code: number; out: string }>;
  /** A clean stop (Mnesia closed); data and ports kept. */
  halt(): Promise<void>;
  /** SIGKILL, as a crashed machine; data and ports kept. */
  crash(): Promise<void>;
  /** Start again on the same ports with the same data (a cluster node rejoins by itself). */
  resume(): Promise<void>;
  running(): boolean;
  /** Halt and remove the dir. */
  stop(): Promise<void>;
}

export async function startEjabberdNode(o: EjabberdNodeOptions): Promise<EjabberdNode> {
  const ctlOrig = await findEjabberdctl();
  if (!ctlOrig) throw new Error("ejabberd is not installed (no ejabberdctl; apt-get install ejabberd)");
  const { domain, tls } = o;
  const runAs = await serverUser();
  const name = `herald-${randomBytes(5).toString("hex")}@localhost`; // short name, as in inetrc below
  const cookie = o.cookie ?? randomBytes(16).toString("hex");

  const dir = await mkdtemp(join(tmpdir(), "herald-ejabberd-"));
  const ctl = join(dir, "ejabberdctl");
  const cfg = join(dir, "ejabberd.yml");
  const ctlCfg = join(dir, "ejabberdctl.cfg");
  const pidFile = join(dir, "ejabberd.pid");
  let caFile: string | undefined;
  const certFile = tls ? join(dir, "certs", `${domain}.pem`) : undefined;
  let port = 0;
  let distPort = 0;
  let tlsPort = 0;
  let child: ChildProcess | undefined;
  let output = "";

  const ctlArgs = () => ["--config-dir", dir, "--config", cfg, "--ctl-config", ctlCfg, "--logs", join(dir, "logs"), "--spool", join(dir, "spool")];
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LANG: "C.UTF-8",
    ...(o.epmdPort !== undefined ? { ERL_EPMD_PORT: String(o.epmdPort), ERL_EPMD_ADDRESS: "127.0.0.1" } : {}),
  };
  const spawnOpts = { cwd: dir, env, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) };
  const ctlRun = (...args: string[]) => new Promise<{ code: number; out: string }>((resolve) => {
    execFile(ctl, [...ctlArgs(), ...args], { ...spawnOpts, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`.trim() });
    });
  });

  const writeConfig = async () => {
    await writeFile(cfg, ejabberdConfig({ port, domain, ...(certFile ? { certFile, directTlsPort: tlsPort } : {}) }));
    await writeFile(ctlCfg, ejabberdctlConfig({ node: name, cookie, pidFile, dir, ...(o.epmdPort !== undefined ? { epmdPort: o.epmdPort } : { distPort }) }));
    if (runAs) await chownTree(dir, runAs.uid, runAs.gid);
  };

  const launch = async (): Promise<"ready" | "busy"> => {
    await writeConfig();
    await rm(pidFile, { force: true });
    output = "";
    // detached: its own process group (bash -> beam.smp), so the whole group can be signalled.
    const c = spawn(ctl, [...ctlArgs(), "foreground"], { ...spawnOpts, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const onData = (b: Buffer) => { output = (output + b.toString()).slice(-64_000); };
    c.stdout?.on("data", onData);
    c.stderr?.on("data", onData);
    let exited = false;
    c.once("exit", () => { exited = true; });
    c.once("error", (e) => { exited = true; output += `\n${e.message}`; });
    const deadline = Date.now() + o.startTimeoutMs;
    const ready = `Start accepting TCP connections at 127.0.0.1:${port} for ejabberd_c2s`;
    while (!exited && Date.now() < deadline) {
      const direct = !tls || (output.includes(`Start accepting TLS connections at 127.0.0.1:${tlsPort} for ejabberd_c2s`) && (await portOpen(tlsPort)));
      if (output.includes(ready) && direct && (await portOpen(port))) {
        child = c;
        return "ready";
      }
      await sleep(20);
    }
    await killTree(c);
    if (/eaddrinuse/i.test(output)) return "busy"; // c2s or distribution port taken meanwhile
    throw new Error(`ejabberd did not start on port ${port} (dir ${dir}):\n${output.slice(-4000)}`);
  };

  try {
    await chmod(dir, 0o755); // the ejabberd user must be able to enter it
    for (const d of ["spool", "logs", "modules.d", "modules", "certs"]) await mkdir(join(dir, d), { recursive: true });
    // As /etc/ejabberd/inetrc: the node names end in @localhost.
    await writeFile(join(dir, "inetrc"), '{lookup,["file","native"]}.\n{host,{127,0,0,1}, ["localhost"]}.\n');
    await writeFile(ctl, patchEjabberdctl(await readFile(ctlOrig, "utf8")), { mode: 0o755 });
    if (tls) {
      const cert = await makeServerCertificate(join(dir, "certs"), domain, o.certNames ?? [domain, `pubsub.${domain}`]);
      await combinedPem(cert, certFile!);
      caFile = cert.caFile;
    }
    for (let attempt = 0; ; attempt++) {
      [port, distPort] = await twoFreePorts();
      if (tls) do tlsPort = await freePort(); while (tlsPort === port || tlsPort === distPort);
      if ((await launch()) === "ready") break;
      if (attempt === 4) throw new Error("ejabberd: no free ports after 5 attempts");
    }
  } catch (e) {
    if (child) await stopProcess(child, pidFile, ctlRun);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  // If this process exits without stopping us (a crashed test run), do not leave a server behind.
  const onExit = () => { if (child?.pid) try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } };
  process.on("exit", onExit);

  const halt = async () => {
    if (child) await stopProcess(child, pidFile, ctlRun);
    child = undefined;
  };
  return {
    dir, name, port, ...(caFile ? { caFile, tlsPort } : {}),
    ctl: ctlRun,
    halt,
    crash: async () => {
      if (child) await crash(child);
      child = undefined;
    },
    resume: async () => {
      if (child) return;
      if ((await launch()) !== "ready") throw new Error(`ejabberd: port ${port} or ${distPort} was taken while halted`);
    },
    running: () => child !== undefined,
    stop: async () => {
      await halt();
      process.off("exit", onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
