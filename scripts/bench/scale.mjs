// Many clones of one repository on one machine: N clones around a bare hub (a typical team: each
// pushes to the shared repository and hears of the others' commits over XMPP), one Prosody, the
// agents in this process (lighter: 50 agents as 50 processes would not fit a small machine). Per
// commit made on c1: the time until every clone has it, the stanzas the agents sent and received
// (Session.stanzas), and Prosody's CPU time (utime + stime from /proc/PID/stat). Sizes side by
// side: the stanzas per commit per clone must stay flat as N grows (announce-policy.ts).
import { execFile } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { commitNewFile, git, now, percentile, round, sleep } from "./lib.mjs";
import { recordsOf, settle, startHerald } from "./herald.mjs";
import { names } from "./topology.mjs";

const execFileP = promisify(execFile);

async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return null;
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks
}

/** One size: `n` clones, `commits` commits on c1 one after another, each waited for everywhere. */
async function scaleCase(cleanup, n, commits, makeServer, makeSandbox) {
  const ns = names(n);
  const server = await makeServer({ accounts: ns });
  const stopServer = cleanup.add(`prosody for ${n} clones`, () => server.stop());
  cleanup.paths.add(server.dir);
  const pid = Number((await readFile(join(server.dir, "prosody.pid"), "utf8")).trim());
  const tick = 1000 / Number((await execFileP("getconf", ["CLK_TCK"])).stdout.trim() || 100);
  const sb = await makeSandbox(ns, [], { bares: ["hub"] });
  const removeSandbox = cleanup.add(`sandbox ${sb.root}`, () => sb.cleanup());
  cleanup.paths.add(sb.root);
  try {
    const repoId = (await git(sb.clones.c1, "rev-list", "--max-parents=0", "HEAD")).trim();
    // Straight into .git/config: 50 clones × 49 peers would be 2,450 `git config` processes.
    await Promise.all(ns.map((c) => appendFile(join(sb.clones[c], ".git", "config"),
      `[herald]\n\tjid = ${c}@${server.domain}\n\tservice = ${server.service}\n\tpubsub = ${server.pubsub}\n${server.caFile ? `\ttlsCa = ${server.caFile}\n` : ""}\trepo = ${repoId}\n`
      + ns.filter((p) => p !== c).map((p) => `\tpeer = ${p}@${server.domain}\n`).join(""))));
    const t0 = now();
    const h = await startHerald(cleanup, { n, clones: sb.clones }, { xmpp: true, inProcess: true, onlineTimeoutMs: 60_000 + 2_000 * n });
    const startS = round((now() - t0) / 1000, 1);
    try {
      const agents = Object.values(h.agents);
      const stanzas = () => agents.reduce((s, a) => { const x = a.stanzas(); return { in: s.in + x.in, out: s.out + x.out }; }, { in: 0, out: 0 });
      const rows = [];
      for (let k = 0; k < commits; k++) {
        await settle(h.agents);
        const s0 = stanzas();
        const c0 = await cpuMs(pid);
        const { t } = await commitNewFile(sb.clones.c1, `scale-${k}.txt`, `${k}\n`);
        const sha = (await git(sb.clones.c1, "rev-parse", "HEAD")).trim();
        const deadline = Date.now() + 60_000 + 1_000 * n;
        let merged = [];
        while ((merged = recordsOf(h.agents, "merged", sha)).map((r) => r.agent).filter((a, i, all) => all.indexOf(a) === i).length < n - 1) {
          if (Date.now() > deadline) throw new Error(`scale ${n}: commit ${k} reached ${merged.length} of ${n - 1} clones in time`);
          await sleep(20);
        }
        const toAll = Math.max(...merged.map((r) => r.t)) - t;
        await settle(h.agents); // the stanzas a commit causes include what follows the merges
        const s1 = stanzas();
        const c1 = await cpuMs(pid);
        rows.push({ toAll, in: s1.in - s0.in, out: s1.out - s0.out, cpu: c0 === null || c1 === null ? null : (c1 - c0) * tick });
      }
      const p50 = (key) => percentile(rows.map((r) => r[key]).filter((v) => v !== null), 50);
      const messages = p50("in") + p50("out");
      return {
        clones: n, commits, agentStartS: startS,
        msToEveryClone: round(p50("toAll")),
        stanzasInPerCommit: p50("in"), stanzasOutPerCommit: p50("out"),
        stanzasPerCommitPerClone: round(messages / n, 2),
        prosodyCpuMsPerCommit: round(p50("cpu")),
      };
    } finally {
      await h.stop();
    }
  } finally {
    await removeSandbox();
    await stopServer();
  }
}

/** Sizes side by side; `sizes` default 10, 25, 50. */
export async function benchScale(cleanup, { sizes = [10, 25, 50], commits = 5 } = {}) {
  const { makeSandbox, startXmppServer } = await import("@herald/testkit");
  const rows = [];
  for (const n of sizes) rows.push(await scaleCase(cleanup, n, commits, startXmppServer, makeSandbox));
  return rows;
}
