// git-annex's assistant on the same clones, for comparison: `git annex init`, files kept in git
// itself (annex.largefiles=nothing, so a new file arrives as a file, not as a symlink waiting for
// content), peers as plain git remotes, one `git annex assistant --foreground` per clone.
// Stopped with `git annex assistant --stop`; whatever is left of the processes we started is
// killed by pid (the daemon puts itself and its remotedaemon in a process group of its own).
import { execFile, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { git, killChild, sleep } from "./lib.mjs";
import { names } from "./topology.mjs";

const execFileP = promisify(execFile);

export async function annexVersion() {
  try {
    const { stdout } = await execFileP("git", ["annex", "version", "--raw"]);
    return stdout.trim().split("\n")[0] || "unknown";
  } catch {
    return null;
  }
}

async function daemonPid(dir) {
  const text = await readFile(join(dir, ".git", "annex", "daemon.pid"), "utf8").catch(() => "");
  const pid = Number(text.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Pids of live processes in process group `pgid` (the daemon's group: remotedaemon, git helpers). */
async function groupMembers(pgid) {
  const pids = (await readdir("/proc").catch(() => [])).filter((n) => /^\d+$/.test(n));
  const out = [];
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(f[2]) === pgid && f[0] !== "Z") out.push(Number(pid));
  }
  return out;
}

async function stopOne(dir, child, daemon) {
  await execFileP("git", ["annex", "assistant", "--stop"], { cwd: dir }).catch(() => undefined);
  const deadline = Date.now() + 5000;
  const busy = async () => child.exitCode === null || (daemon && (await groupMembers(daemon)).length > 0);
  while (Date.now() < deadline && (await busy())) await sleep(50);
  if (daemon && (await groupMembers(daemon)).length > 0) {
    try { process.kill(-daemon, "SIGKILL"); } catch { /* gone meanwhile */ }
  }
  await killChild(child, 2000);
}

/**
 * Init annex in every clone, start an assistant in each, wait until each has written its pid.
 * `largefiles`: annex.largefiles ("nothing" keeps files in git, for the propagation case).
 */
export async function startAnnex(cleanup, topo, { largefiles = "nothing" } = {}) {
  const running = [];
  const stopAll = async () => { await Promise.all(running.map((r) => stopOne(r.dir, r.child, r.daemon))); };
  const remove = cleanup.add("git-annex assistants", stopAll);
  try {
    for (const name of names(topo.n)) {
      const dir = topo.clones[name];
      await git(dir, "annex", "init", "-q", name);
      await git(dir, "config", "annex.largefiles", largefiles);
    }
    for (const name of names(topo.n)) {
      const dir = topo.clones[name];
      const child = spawn("git", ["annex", "assistant", "--foreground"], { cwd: dir, stdio: "ignore" });
      child.on("error", () => undefined);
      running.push({ dir, child, daemon: null });
    }
    const deadline = Date.now() + 30_000;
    for (const r of running) {
      while (!(r.daemon = await daemonPid(r.dir))) {
        if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`git annex assistant did not start in ${r.dir}`);
        await sleep(50);
      }
    }
    await sleep(2000); // start-up scan and first sync
  } catch (e) {
    await remove();
    throw e;
  }
  return { stop: remove, pids: () => running.map((r) => r.child.pid), pgids: () => running.map((r) => r.daemon) };
}
