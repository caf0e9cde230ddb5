// @ts-check
// The outage case, pair over ssh: both clones commit, every link is cut (a blackhole: nothing
// answers, nothing is closed) a moment later while the first pushes are in flight, both go on
// committing through the cut, then the links come back. Measured: commits lost (every commit
// made on either side must be in both final HEADs), seconds from restore to one HEAD, seconds
// from the cut until `herald status --json` names the other side failing, and the oldest git or
// ssh process of an agent seen in the process table (procs.mjs) from the cut to the end.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { settle, startHerald } from "../herald.mjs";
import { commitNewFile, git, now, round, sleep } from "../lib.mjs";
import { clone, cutAll, restoreAll, wanBuilder } from "./net.mjs";
import { watchProcesses } from "./procs.mjs";

const execFileP = promisify(execFile);
const HERALD = fileURLToPath(new URL("../../../packages/cli/dist/bin.js", import.meta.url));

/** @typedef {import("./latency.mjs").Ctx} Ctx */
/** @typedef {import("./net.mjs").Wan} Wan */

/**
 * What `herald status --json` says about `remote`: its failure (a retry entry, or a field of the
 * remote's own line naming it unreachable or failing), else null. A status that does not answer
 * within 10 s is an answer too.
 * @param {string} dir @param {string} remote @returns {Promise<string | null>}
 */
export async function failureShown(dir, remote) {
  const out = await execFileP(process.execPath, [HERALD, "status", "--json", "--repo", dir], { timeout: 10_000 }).then((r) => r.stdout, (e) => `{"statusFailed": ${JSON.stringify(String(e.message).slice(0, 200))}}`);
  /** @type {any} */
  const s = JSON.parse(out);
  if (s.statusFailed) return null;
  const retry = s.retries?.[remote];
  if (retry) return `retry pending: ${String(retry.error ?? "").split("\n").filter(Boolean).slice(-1)[0] ?? "(no cause)"}`;
  const line = (s.remotes ?? []).find((/** @type {any} */ r) => r.name === remote) ?? {};
  const field = Object.entries(line).find(([k, v]) => /unreach|fail|error|stalled/i.test(k) && v);
  return field ? `${field[0]}: ${JSON.stringify(field[1]).slice(0, 160)}` : null;
}

/** Both HEADs equal and holding every commit in `shas`. */
async function oneHead(/** @type {string} */ a, /** @type {string} */ b, /** @type {string[]} */ shas) {
  const [ha, hb] = await Promise.all([git(a, "rev-parse", "HEAD"), git(b, "rev-parse", "HEAD")]);
  if (ha !== hb) return false;
  return (await missing(a, shas)).length === 0;
}

/** Which of `shas` HEAD of `dir` does not contain. */
async function missing(/** @type {string} */ dir, /** @type {string[]} */ shas) {
  const out = [];
  for (const s of shas) if (!(await git(dir, "merge-base", "--is-ancestor", s, "HEAD").then(() => true, () => false))) out.push(s);
  return out;
}

/**
 * @param {Ctx} ctx @param {Wan} wan
 * @param {{ cutMs: number, commitEveryMs: number, watchdogS: number }} o
 */
export async function outageCase(ctx, wan, { cutMs, commitEveryMs, watchdogS }) {
  const topo = await wanBuilder(wan)(ctx.cleanup, "star", 2);
  const c1 = clone(topo, "c1"), c2 = clone(topo, "c2");
  try {
    const h = await startHerald(ctx.cleanup, topo, { inProcess: ctx.opts.inProcess });
    try {
      // One commit each way first: the masters are open, as after any day's use.
      for (const dir of [c1, c2]) await commitNewFile(dir, `before-${dir === c1 ? "c1" : "c2"}.txt`, "x\n");
      await settle(h.agents, 300);
      const procs = await watchProcesses(() => (h.pids().length ? h.pids() : [process.pid])); // --in-process: the agents are here
      /** @type {string[]} */
      const shas = [];
      let k = 0;
      const commitBoth = async () => {
        for (const [name, dir] of /** @type {const} */ ([["c1", c1], ["c2", c2]])) {
          await commitNewFile(dir, `outage-${name}-${k}.txt`, `${name} ${k}\n`);
          shas.push((await git(dir, "rev-parse", "HEAD")).trim());
        }
        k++;
      };
      await commitBoth();
      await sleep(150); // the pushes of these commits are on their way
      const tCut = now();
      cutAll(topo);
      /** @type {Record<string, { s: number, what: string } | null>} */
      const shown = { c1: null, c2: null };
      const watchStatus = (async () => {
        while (now() - tCut < cutMs && (!shown.c1 || !shown.c2)) {
          for (const [name, dir, other] of /** @type {const} */ ([["c1", c1, "c2"], ["c2", c2, "c1"]])) {
            if (shown[name]) continue;
            const what = await failureShown(dir, other);
            if (what) shown[name] = { s: round((now() - tCut) / 1000, 1) ?? 0, what };
          }
          await sleep(500);
        }
      })();
      while (now() - tCut + commitEveryMs < cutMs) {
        await sleep(commitEveryMs);
        await commitBoth();
      }
      await sleep(Math.max(0, cutMs - (now() - tCut)));
      const tRestore = now();
      restoreAll(topo);
      await watchStatus;
      let joinedMs = null;
      while (now() - tRestore < 120_000) {
        if (await oneHead(c1, c2, shas)) { joinedMs = now() - tRestore; break; }
        await sleep(100);
      }
      await sleep(2000);
      const seen = await procs.stop();
      const lost = [...new Set([...(await missing(c1, shas)), ...(await missing(c2, shas))])].length;
      const age = (/** @type {{ ageS: number, cmd: string } | null} */ p) => (p ? round(p.ageS, 1) : null);
      return {
        cutSeconds: round(cutMs / 1000, 1), commits: shas.length, lost,
        oneHeadAfterRestoreS: joinedMs === null ? null : round(joinedMs / 1000, 1),
        statusNamesFailureS: { c1: shown.c1?.s ?? null, c2: shown.c2?.s ?? null },
        statusSaid: { c1: shown.c1?.what ?? null, c2: shown.c2?.what ?? null },
        oldestNetworkProcessS: age(seen.network), oldestNetworkProcess: seen.network?.cmd ?? null,
        oldestMasterS: age(seen.master), processSamples: seen.samples, watchdogS,
        longestPushS: longestPush(/** @type {Record<string, { records: any[] }>} */ (h.agents)),
        agentFailures: failures(/** @type {Record<string, { records: any[] }>} */ (h.agents)),
        timeline: timeline(/** @type {Record<string, { records: any[] }>} */ (h.agents), tCut, tRestore),
      };
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}

/** The longest push of the case, s from its push-start to its outcome (pushed or push-failed:
 * the in-push retries included, each a process of its own). */
function longestPush(/** @type {Record<string, { records: any[] }>} */ agents) {
  let longest = 0;
  for (const a of Object.values(agents)) {
    /** @type {Map<string, number>} */
    const started = new Map();
    for (const r of a.records) {
      if (r.event === "push-start" && !started.has(r.remote)) started.set(r.remote, r.t);
      if ((r.event === "pushed" || r.event === "push-failed") && started.has(r.remote)) {
        longest = Math.max(longest, r.t - /** @type {number} */ (started.get(r.remote)));
        started.delete(r.remote);
      }
    }
  }
  return round(longest / 1000, 1);
}

/** What the agents did from the cut on, one line per record (push-start and info and up), with
 * seconds from the cut: for reading why a target was missed. */
function timeline(/** @type {Record<string, { records: any[] }>} */ agents, /** @type {number} */ tCut, /** @type {number} */ tRestore) {
  const rs = Object.values(agents).flatMap((a) => a.records).filter((r) => r.t >= tCut - 500 && (r.level !== "debug" || r.event === "push-start")).sort((a, b) => a.t - b.t);
  const line = (/** @type {any} */ r) => `${(r.t - tCut) / 1000 >= 0 ? "+" : ""}${round((r.t - tCut) / 1000, 1)} s ${r.agent} ${r.event}${r.remote ? ` ${r.remote}` : ""}${r.ms ? ` ${r.ms} ms` : ""}${r.error ? `: ${String(r.error).split("\n").filter(Boolean).slice(-1)[0]?.slice(0, 100)}` : ""}`;
  return [...rs.filter((r) => r.t < tRestore).map(line), `+${round((tRestore - tCut) / 1000, 1)} s restore`, ...rs.filter((r) => r.t >= tRestore).map(line)];
}

/** The agents' warnings and errors during the case, by event and reason, counted. */
function failures(/** @type {Record<string, { records: any[] }>} */ agents) {
  /** @type {Record<string, number>} */
  const count = {};
  for (const r of Object.values(agents).flatMap((a) => a.records)) {
    if (r.level !== "warn" && r.level !== "error") continue;
    const key = `${r.agent} ${r.event}${r.reason ? ` (${String(r.reason).slice(0, 40)})` : ""}`;
    count[key] = (count[key] ?? 0) + 1;
  }
  return count;
}
