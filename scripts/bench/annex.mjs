// git-annex's assistant on the same clones, for comparison: `git annex init`, files kept in git
// itself (annex.largefiles=nothing, so a new file arrives as a file, not as a symlink waiting for
// content), peers as plain git remotes, one `git annex assistant --foreground` per clone.
// Stopped with `git annex assistant --stop`; whatever is left of the processes we started is
// killed by pid (the daemon puts itself and its remotedaemon in a process group of its own).
import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
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

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function daemonPid(dir) {
  const text = await readFile(join(dir, ".git", "annex", "daemon.pid"), "utf8").catch(() => "");
  const pid = Number(text.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function stopOne(dir, child, daemon) {
  await execFileP("git", ["annex", "assistant", "--stop"], { cwd: dir }).catch(() => undefined);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && ((daemon && alive(daemon)) || child.exitCode === null)) await sleep(50);
  if (daemon && alive(daemon)) {
    try { process.kill(-daemon, "SIGKILL"); } catch { /* its group is gone */ }
  }
  await killChild(child, 2000);
}

/** Init annex in every clone, start an assistant in each, wait until each has written its pid. */
export async function startAnnex(cleanup, topo) {
  const running = [];
  const stopAll = async () => { await Promise.all(running.map((r) => stopOne(r.dir, r.child, r.daemon))); };
  const remove = cleanup.add("git-annex assistants", stopAll);
  try {
    for (const name of names(topo.n)) {
      const dir = topo.clones[name];
      await git(dir, "annex", "init", "-q", name);
      await git(dir, "config", "annex.largefiles", "nothing");
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
  return { stop: remove, pids: () => running.flatMap((r) => [r.child.pid, r.daemon]) };
}
