// @ts-check
// The outage case's process watch: the process table sampled every few hundred ms, keeping, for
// every git, git-annex and ssh process that belongs to an agent, the oldest age it was seen at.
// "Belongs": a descendant of an agent's process, or an ssh master (ControlPersist detaches it
// from its parent) whose socket is in an agent's ControlPath directory ($XDG_RUNTIME_DIR/herald/
// ssh/<agent pid>.<n>/, or /tmp/herald-<uid>/ssh/…). The masters and the long-running `git cat-file --batch` are meant to live
// long, so they are kept apart from the rest: the network commands a watchdog bounds.
import { readdir, readFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** @typedef {{ pid: number, ppid: number, comm: string, startTicks: number }} Proc */
/** @typedef {{ pid: number, ageS: number, kind: "network" | "master" | "cat-file", cmd: string }} Seen */

/** Every live process: pid, parent, command name and start time (clock ticks after boot). */
async function table() {
  /** @type {Map<number, Proc>} */
  const procs = new Map();
  for (const name of await readdir("/proc").catch(() => /** @type {string[]} */ ([]))) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => null);
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    if (f[0] === "Z") continue;
    procs.set(Number(name), { pid: Number(name), ppid: Number(f[1]), comm, startTicks: Number(f[19]) });
  }
  return procs;
}

const cmdline = (/** @type {number} */ pid) => readFile(`/proc/${pid}/cmdline`, "utf8").then((s) => s.split("\0").filter(Boolean).join(" "), () => "");

/** The kind of a git/ssh process of an agent, or null when it is none of those. */
function kindOf(/** @type {string} */ comm, /** @type {string} */ cmd) {
  if (!/^(git|ssh|git-annex|git-remote-|git-annex-sh)/.test(comm)) return null;
  if (comm === "ssh" && /\[mux\]/.test(cmd)) return "master";
  if (/^git cat-file --batch$/.test(cmd)) return "cat-file";
  return "network";
}

/**
 * Starts sampling. `agentPids()`: the agents' pids now. `stop()` ends it and returns the oldest
 * process seen of each kind (null: none seen), and how many samples were taken.
 * @param {() => number[]} agentPids
 * @param {number} [everyMs]
 */
export async function watchProcesses(agentPids, everyMs = 250) {
  const tick = Number((await execFileP("getconf", ["CLK_TCK"]).catch(() => ({ stdout: "100" }))).stdout.trim()) || 100;
  /** @type {Map<number, Seen>} */
  const seen = new Map();
  let samples = 0;
  let running = true;
  const sample = async () => {
    const uptime = Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]);
    const procs = await table();
    const roots = new Set(agentPids());
    /** @type {(p: Proc) => boolean} */
    const descends = (p) => {
      for (let q = p, hops = 0; q && hops < 64; q = /** @type {Proc} */ (procs.get(q.ppid)), hops++) if (roots.has(q.ppid)) return true;
      return false;
    };
    for (const p of procs.values()) {
      if (!/^(git|ssh)/.test(p.comm)) continue;
      const cmd = await cmdline(p.pid);
      const master = p.comm === "ssh" && [...roots].some((r) => new RegExp(`/herald(?:-\\d+)?/ssh/${r}\\.\\d+/`).test(cmd));
      if (!master && !descends(p)) continue;
      const kind = kindOf(p.comm, cmd);
      if (!kind) continue;
      seen.set(p.pid, { pid: p.pid, ageS: uptime - p.startTicks / tick, kind, cmd: cmd.slice(0, 160) });
    }
    samples++;
  };
  const loop = (async () => {
    while (running) {
      await sample().catch(() => undefined);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      /** @param {Seen["kind"]} kind */
      const oldest = (kind) => [...seen.values()].filter((s) => s.kind === kind).sort((a, b) => b.ageS - a.ageS)[0] ?? null;
      return { samples, network: oldest("network"), master: oldest("master"), catFile: oldest("cat-file"), processes: seen.size };
    },
  };
}
