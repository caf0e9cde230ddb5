// Processes of a throwaway ejabberd: finding ejabberdctl, the user it runs as, and stopping the
// bash -> beam.smp chain with every helper beam.smp starts (none may outlive a test).
import type { ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access, chown, lstat, readdir, readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { freePort } from "./ports.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `p` settles within `ms` (the timer is cleared: it never keeps the process alive). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => { timer = setTimeout(() => r(false), ms); });
  try {
    return await Promise.race([p.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The ejabberdctl on PATH or in the usual sbin dirs (the Debian package puts it in /usr/sbin). */
export async function findEjabberdctl(): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const d of dirs) {
    const p = join(d, "ejabberdctl");
    if (await access(p, constants.X_OK).then(() => true, () => false)) return p;
  }
  return undefined;
}

/** Cheap: no Erlang VM is booted, only the script and `erl` are looked for. */
export async function ejabberdInstalled(): Promise<boolean> {
  const ctl = await findEjabberdctl();
  if (!ctl) return false;
  const script = await readFile(ctl, "utf8").catch(() => "");
  const erl = /^\s*ERL="([^"]+)"/m.exec(script)?.[1] ?? "/usr/bin/erl";
  return access(erl, constants.X_OK).then(() => true, () => false);
}

export async function twoFreePorts(): Promise<[number, number]> {
  const a = await freePort();
  for (;;) {
    const b = await freePort();
    if (b !== a) return [a, b];
  }
}

/** Root runs the server as the `ejabberd` system user, as the package does; anyone else as themselves. */
export async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile("/etc/passwd", "utf8").catch(() => "");
  const line = passwd.split("\n").find((l) => l.startsWith("ejabberd:"));
  if (!line) return undefined; // no such user: run as root (the script only warns)
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  if (!(await lstat(path)).isDirectory()) return;
  for (const e of await readdir(path)) await chownTree(join(path, e), uid, gid);
}

/** Running (a zombie waiting for PID 1 to reap it is not). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return !/\) Z /.test(stat);
}

/** Every descendant of `pid` (Linux /proc; empty elsewhere). beam.smp puts its helpers
 * (erl_child_setup, eimp, memsup) in sessions of their own, beyond the reach of a group kill. */
async function descendants(pid: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const e of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(e)) continue;
    const stat = await readFile(`/proc/${e}/stat`, "utf8").catch(() => "");
    const m = /\) \S+ (\d+)/.exec(stat);
    if (m) parent.set(Number(e), Number(m[1]));
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); }
  };
  walk(pid);
  return out;
}

/**
 * A clean stop: SIGTERM to beam.smp is Erlang's orderly init:stop() (ejabberd logs "SIGTERM received -
 * shutting down", closes Mnesia), the same as `ejabberdctl stop` but without booting one more VM
 * (~1 s instead of ~2.2 s). `ejabberdctl stop` if there is no pidfile; the process group if either
 * fails or takes over 10 s; then any stray helper.
 */
export async function stopProcess(c: ChildProcess, pidFile: string, ctlRun: (...args: string[]) => Promise<{ code: number; out: string }>): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const exited = new Promise((r) => c.once("exit", r));
  const helpers = await descendants(c.pid);
  const beam = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  let asked = false;
  if (beam > 0 && helpers.includes(beam)) {
    try { process.kill(beam, "SIGTERM"); asked = true; } catch { /* gone */ }
  }
  if (!asked) asked = (await ctlRun("stop")).code === 0;
  if (!asked || !(await settlesWithin(exited, 10_000))) await killGroup(c);
  await exited;
  await reap(helpers);
}

/** No grace: the process group, then every helper. */
export async function killTree(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const helpers = await descendants(c.pid);
  await killGroup(c);
  await reap(helpers);
}

/** The helpers exit when beam.smp closes their pipes; wait for that (5 s at most), then insist. */
async function reap(pids: number[]): Promise<void> {
  const living = async () => (await Promise.all(pids.map(async (p) => ((await alive(p)) ? [p] : [])))).flat();
  const deadline = Date.now() + 5_000;
  let left = await living();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(20);
    left = await living();
  }
  for (const p of left) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
}

/** SIGTERM to the group (Erlang stops gracefully on it), SIGKILL after 5 s. */
async function killGroup(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const pid = c.pid;
  const exited = new Promise((r) => c.once("exit", r));
  const signal = (s: NodeJS.Signals) => { try { process.kill(-pid, s); } catch { /* gone */ } };
  signal("SIGTERM");
  if (!(await settlesWithin(exited, 5_000))) signal("SIGKILL");
  await exited;
}

/** A crash, not a stop: SIGKILL to the process group and every helper, no chance to close Mnesia. */
export async function crash(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const helpers = await descendants(c.pid);
  const exited = new Promise((r) => c.once("exit", r));
  try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ }
  for (const p of helpers) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
  await exited;
  await reap(helpers);
}
