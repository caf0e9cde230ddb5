// @ts-check
// The WAN cases' network: one sshd for the run (the test kit's: key-only, per-run host keys) and,
// per case, a link simulator in front of it for every clone. Each clone is reached through its
// own link (its own port), as each machine has its own address: ssh keeps one master per host and
// port, so a star's hub holds one per peer, as it would across real machines. Every remote
// becomes an ssh:// URL through the link of the clone it names.
import { execFile } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { git, startLink } from "@herald/testkit";
import { buildTopology, names } from "../topology.mjs";

const execFileP = promisify(execFile);

/** @typedef {import("@herald/testkit").Sshd} Sshd */
/** @typedef {import("@herald/testkit").Link} Link */
/** @typedef {import("../lib.mjs").Cleanup} Cleanup */
/** @typedef {{ sshd: Sshd, delayMs: number }} Wan */
/** @typedef {Awaited<ReturnType<typeof buildTopology>>} Topology */
/** The clones of buildTopology, with the links that reach them and what they counted.
 * @typedef {Topology & { links: Record<string, Link>, connections: () => number }} WanTopology */
/** @typedef {(cleanup: Cleanup, shape: string, n: number, opts?: { directed?: boolean }) => Promise<WanTopology>} Builder */

/** ssh's options for connection reuse in the floor: what Herald sets (ssh-env.ts) and what a user
 * would put in ~/.ssh/config. */
export const reuseOptions = (/** @type {string} */ dir) => `-o ControlMaster=auto -o ControlPersist=60 -o ControlPath=${dir}/%C`;

/** Stops the masters whose sockets are in `dir` (they would outlive the case by ControlPersist). */
export async function stopMasters(/** @type {string} */ dir) {
  const sockets = await readdir(dir).catch(() => /** @type {string[]} */ ([]));
  await Promise.all(sockets.map((s) => execFileP("ssh", ["-F", "none", "-o", `ControlPath=${join(dir, s)}`, "-O", "exit", "master"], { timeout: 5000 }).catch(() => undefined)));
}

/** One link per clone, all with the same shape, in front of the sshd. */
async function startLinks(/** @type {Wan} */ wan, /** @type {string[]} */ clones) {
  /** @type {Record<string, Link>} */
  const links = {};
  for (const c of clones) links[c] = await startLink({ target: { host: wan.sshd.host, port: wan.sshd.port }, delayMs: wan.delayMs });
  return links;
}

/**
 * A Builder for propagation.mjs (propagationHerald and propagationFloor take one): the clones of
 * buildTopology, their remotes rewired to ssh:// through the links, and core.sshCommand set to
 * the sshd's (its key, its host key): how a user's settings would give them. `reuse`: the ssh
 * command also keeps a master per host (the floor with reuse; Herald adds its own).
 * `made(topo)` hears of each topology built, so a caller can read its links afterwards.
 * @param {Wan} wan
 * @param {{ reuse?: boolean, made?: (t: WanTopology) => void }} [o]
 * @returns {Builder}
 */
export function wanBuilder(wan, { reuse = false, made } = {}) {
  return async (cleanup, shape, n, opts = {}) => {
    const topo = await buildTopology(cleanup, shape, n, opts);
    const links = await startLinks(wan, names(n));
    const controlDir = join(topo.sb.root, "ssh");
    let connections = 0;
    const sum = () => Object.values(links).reduce((s, l) => s + l.stats.connections, 0);
    const stop = cleanup.add("wan links", async () => {
      if (reuse) await stopMasters(controlDir);
      connections = sum();
      await Promise.all(Object.values(links).map((l) => l.stop()));
    });
    try {
      if (reuse) await mkdir(controlDir, { mode: 0o700 });
      const sshCommand = reuse ? `${wan.sshd.sshCommand} ${reuseOptions(controlDir)}` : wan.sshd.sshCommand;
      for (const c of names(n)) await wire(clone(topo, c), topo.clones, links, wan.sshd, sshCommand);
    } catch (e) {
      await stop();
      await topo.dispose();
      throw e;
    }
    /** @type {WanTopology} */
    const wt = {
      ...topo, links,
      connections: () => (connections || sum()),
      dispose: async () => { await stop(); await topo.dispose(); },
    };
    made?.(wt);
    return wt;
  };
}

/** Every remote of `dir` (named after a clone) becomes ssh:// through that clone's link. */
async function wire(/** @type {string} */ dir, /** @type {Record<string, string>} */ clones, /** @type {Record<string, Link>} */ links, /** @type {Sshd} */ sshd, /** @type {string} */ sshCommand) {
  for (const r of (await git(dir, "remote")).split("\n").filter(Boolean)) {
    const to = clones[r], link = links[r];
    if (!to || !link) throw new Error(`remote ${r} of ${dir} names no clone of this case`);
    await git(dir, "remote", "set-url", r, sshd.url(to, link.port));
  }
  await git(dir, "config", "core.sshCommand", sshCommand);
}

/** The directory of clone `name` (an error when the case has none of that name). */
export function clone(/** @type {{ clones: Record<string, string> }} */ topo, /** @type {string} */ name) {
  const dir = topo.clones[name];
  if (!dir) throw new Error(`no clone ${name} in this case`);
  return dir;
}

/** Cuts (or restores) every link of a case. */
export const cutAll = (/** @type {WanTopology} */ t) => { for (const l of Object.values(t.links)) l.cut(); };
export const restoreAll = (/** @type {WanTopology} */ t) => { for (const l of Object.values(t.links)) l.restore(); };
