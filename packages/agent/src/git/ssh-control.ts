// The directory of ssh's ControlMaster sockets: one per Herald process (<runtime>/ssh/<pid>.<n>), so a
// process stopping ends only its own masters, and what a killed one left is recognisable (its pid
// is gone) and cleaned at the next start. Every engine of a process shares it (acquire/release);
// the last release stops the masters (`ssh -O exit`) rather than leaving them for ControlPersist.
// The first connection to a host is made alone (firstConnection), so one master serves it.
import { execFile } from "node:child_process";
import { existsSync, watch } from "node:fs";
import { readdir, rm, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../log.js";
import { ensurePrivateDir, runtimeDir, type Env } from "../machine/paths.js";
import { pidAlive } from "../pid-alive.js";
import { sshHost } from "./network-policy.js";
import { masterPid } from "./ssh-activity.js";
import { networkEnv } from "./ssh-env.js";
import type { GitRepo } from "./repo.js";

/** A unix socket's path holds 107 bytes on Linux (108 with the NUL); ssh binds `<path>.<16
 * random>` first and renames it, and %C is 40 hex digits. */
const DIR_MAX = 107 - 17 - 40 - 1;

let users = 0;
let generation = 0;
let ready: Promise<string | null> | null = null;

/** The ControlPath directory (made now, by the first caller), or null when it cannot be made: ssh
 * then runs without reuse, and the reason is logged once. */
export function acquireControlDir(log: Logger, env: Env = process.env): Promise<string | null> {
  users++;
  ready ??= prepare(log, env);
  return ready;
}

/** How every network command of `repo` runs from now (never a prompt, deadlines, one connection
 * per host unless `sshCaching` is off), before its first; returns what gives it back at stop. */
export async function prepareNetwork(repo: GitRepo, s: { sshCaching: boolean; sshCommand?: string; networkTimeoutMs: number }, log: Logger): Promise<() => Promise<void>> {
  const controlDir = s.sshCaching ? await acquireControlDir(log) : null;
  repo.networkEnv = networkEnv({ env: process.env, coreSshCommand: s.sshCommand, controlDir });
  repo.networkTimeoutMs = s.networkTimeoutMs;
  return s.sshCaching ? releaseControlDir : async () => undefined;
}

/** The last one out stops the masters and removes the directory. */
export async function releaseControlDir(): Promise<void> {
  if (users === 0 || --users > 0 || !ready) return;
  // Forgotten before waiting: an engine starting meanwhile makes a fresh directory.
  const was = ready;
  ready = null;
  const dir = await was;
  if (dir) await stopMasters(dir);
}

async function prepare(log: Logger, env: Env): Promise<string | null> {
  // The runtime directory; the per-uid one in /tmp when that is too long for a socket path (a
  // deep $XDG_RUNTIME_DIR).
  const uid = process.getuid?.() ?? 0;
  // <pid>.<n>: a directory being emptied by a release never collides with the next one made.
  const name = `${process.pid}.${generation + 1}`;
  const fits = (runtime: string) => join(runtime, "ssh", name).length <= DIR_MAX;
  const runtime = [runtimeDir(env, uid), runtimeDir({}, uid)].find(fits);
  try {
    if (runtime === undefined) throw new Error(`${join(runtimeDir(env, uid), "ssh", name)} is too long for a socket path (${DIR_MAX} bytes at most)`);
    const base = join(runtime, "ssh"), dir = join(base, name);
    await ensurePrivateDir(runtime, uid);
    await ensurePrivateDir(base, uid);
    await cleanStale(base);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    generation++;
    return dir;
  } catch (e) {
    log.warn("ssh-caching-off", { reason: (e as Error).message, fix: "make the directory usable, or set herald.sshCaching=false (ssh runs without connection reuse meanwhile)" });
    return null;
  }
}

/** What a Herald process that is gone left: its masters stopped (they would idle out anyway), its
 * sockets and directory removed. A directory of a live process (another agent) is left alone. */
async function cleanStale(base: string): Promise<void> {
  for (const name of await readdir(base)) {
    const m = /^(\d+)\.\d+$/.exec(name);
    if (!m || (pidAlive(Number(m[1])) && Number(m[1]) !== process.pid)) continue;
    await stopMasters(join(base, name));
  }
}

async function stopMasters(dir: string): Promise<void> {
  const sockets = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => {
    // The host is not used when ControlPath names the socket itself; -F none: the user's config
    // plays no part in talking to a master of ours.
    execFile("ssh", ["-F", "none", "-o", `ControlPath=${join(dir, s)}`, "-O", "exit", "herald-master"], { timeout: 5_000 }, () => resolve());
  })));
  await rm(dir, { recursive: true, force: true });
}

/** ssh's name for a master's socket once it listens (%C: 40 hex digits); it binds a temporary
 * name first and renames it. */
const SOCKET = /^[0-9a-f]{40}$/;

/** Per ssh host: the socket its master made (while it exists, the host needs no lock), or the
 * first connection under way (the others wait for it). */
const masters = new Map<string, string>();
const opening = new Map<string, Promise<void>>();

/** Runs `fn` (a command that connects to the ssh host of `url`). Two commands starting at once
 * to a host without a master would each make a connection of their own, both trying to become
 * its master (one ends up plain, a second handshake paid): the first runs alone until its master's
 * socket appears (or it ends), then the others go through that master. */
export async function firstConnection<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const host = sshHost(url);
  const dir = host && ready ? await ready : null;
  if (!host || !dir) return fn();
  for (let waiting = opening.get(host); waiting; waiting = opening.get(host)) await waiting;
  const known = masters.get(host);
  if (known && existsSync(join(dir, known))) return fn();
  let open!: () => void;
  const mine = new Promise<void>((resolve) => (open = resolve));
  opening.set(host, mine);
  const before = new Set(await readdir(dir).catch(() => [] as string[]));
  const done = () => { watcher?.close(); if (opening.get(host) === mine) opening.delete(host); open(); };
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dir, (_, name) => {
      if (!name || !SOCKET.test(name) || before.has(name) || !existsSync(join(dir, name))) return;
      // Whose it is is sure only when no other host's first connection is under way.
      if (opening.size === 1) masters.set(host, name);
      done();
    });
  } catch { /* the directory went away: nothing to wait for */ }
  try {
    return await fn();
  } finally {
    done();
  }
}

/** The pid of our master serving the ssh host of `url`, when one is up (null: none known). */
export async function masterFor(url: string): Promise<number | null> {
  const host = sshHost(url);
  const dir = host && ready ? await ready : null;
  const socket = host ? masters.get(host) : undefined;
  return dir && socket && existsSync(join(dir, socket)) ? masterPid(join(dir, socket)) : null;
}
