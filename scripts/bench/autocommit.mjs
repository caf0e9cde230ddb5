// Section: autocommit, each system on its own terms. A new file is written on c1 and nothing
// more; the clock starts when the write returns and stops, per peer, when the file is in that
// peer's work tree. Herald with herald.autocommit=true (over XMPP when Prosody is there) against
// git-annex's assistant in its own mode (it commits the file you save; annex.mjs keeps files in
// git with annex.largefiles=nothing), on the same topologies, one write at a time.
// Writes come seconds apart, as a person saves files. The assistant rate-limits itself: its
// committer sleeps 1 s after each commit before it looks at changes again, its pusher 2 s after
// each push (git-annex's Assistant/Threads/Committer.hs, Pusher.hs). Writes 100-200 ms after the
// last arrived, as the bench made them, each waited out most of those sleeps: 1.9-2.0 s p50 for
// the assistant, where a single write to an idle assistant takes 0.2-0.5 s. Both systems get the
// same pacing.
import { recordsOf, settle, startHerald } from "./herald.mjs";
import { cpuMs, git, percentile, round } from "./lib.mjs";
import { propagationAnnex, sequentialCommits, summarize } from "./propagation.mjs";
import { buildTopology, configureXmpp, names } from "./topology.mjs";

export const AUTOCOMMIT_CASES = [["star", 2], ["star", 5], ["line", 5]];

/** Between writes: this, plus up to as much again at random (past the assistant's 2 s push sleep). */
export const WRITE_PAUSE_MS = 2500;

/** The set-up, printed beside the table (and in docs/benchmarks.md). */
export const AUTOCOMMIT_SETUP = [
  `one new file written on c1 (a single writeFile, like \`echo > file\`), nothing else; the next write ${WRITE_PAUSE_MS / 1000}-${(2 * WRITE_PAUSE_MS) / 1000} s after the last arrived everywhere`,
  "Herald: herald.autocommit=true on every clone, agents started before the first write (over XMPP when Prosody is there)",
  "git-annex assistant: git annex init, annex.largefiles=nothing (files stay in git), the clones' plain local git remotes (no special remotes), `git annex assistant --foreground` in every clone, started and past its start-up scan before the first (uncounted) write",
];

export async function autocommitHerald(ctx, shape, n) {
  const { cleanup, detector, server, opts } = ctx;
  const xmpp = server !== null;
  const topo = await buildTopology(cleanup, shape, n);
  try {
    for (const c of names(n)) await git(topo.clones[c], "config", "herald.autocommit", "true");
    if (xmpp) await configureXmpp(topo, server, `bench-autocommit-${shape}${n}-${process.pid}-${Date.now()}`);
    const h = await startHerald(cleanup, topo, { xmpp, inProcess: opts.inProcess });
    try {
      const run = await sequentialCommits(detector, topo, {
        commits: opts.commits(shape, n), pauseMs: WRITE_PAUSE_MS, timeoutMs: 20_000, tag: "autocommit", write: true,
        between: () => settle(h.agents, 50),
        cpu: () => cpuMs({ pids: [...h.pids(), ...(xmpp ? [ctx.prosodyPid] : [])] }),
      });
      return summarize(`herald autocommit${xmpp ? "" : " (no XMPP)"}`, topo, run, { breakdown: breakdown(h.agents, run, names(n).at(-1)) });
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}

/** Where Herald's time goes per write (p50, ms after the write): committed on c1, seen as a new
 * head, pushed to its first hop, merged by the last clone. */
function breakdown(agents, run, last) {
  const steps = { committed: [], commit: [], pushed: [], lastMerged: [] };
  for (const r of run.rows) {
    const first = (recs) => recs.find((x) => x.t >= r.t0);
    const add = (k, rec) => { if (rec) steps[k].push(rec.t - r.t0); };
    add("committed", first(agents.c1.records.filter((x) => x.event === "autocommitted")));
    add("commit", first(recordsOf(agents, "commit", r.sha).filter((x) => x.agent === "c1")));
    add("pushed", first(recordsOf(agents, "pushed", r.sha).filter((x) => x.agent === "c1")));
    add("lastMerged", first(recordsOf(agents, "merged", r.sha).filter((x) => x.agent === last)));
  }
  return Object.fromEntries(Object.entries(steps).filter(([, v]) => v.length).map(([k, v]) => [k, round(percentile(v, 50), 1)]));
}

export const autocommitAnnex = (ctx, shape, n) => propagationAnnex(ctx, shape, n, { write: true, pauseMs: WRITE_PAUSE_MS });

/** Every case, printed as it goes and as a table; `annex`: run the assistant's cases too. */
export async function autocommitSection(ctx, { annex, cases }) {
  const { printTable } = await import("./lib.mjs");
  const rows = [];
  const skipped = [];
  console.log("\nautocommit: file written on c1 (no commit) → file in the work tree of every other clone");
  for (const line of AUTOCOMMIT_SETUP) console.log(`  set-up: ${line}`);
  for (const [shape, n] of AUTOCOMMIT_CASES) {
    const name = n === 2 ? "pair" : `${shape} ${n}`;
    for (const [system, fn] of [["herald autocommit", autocommitHerald], ...(annex ? [["git-annex assistant", autocommitAnnex]] : [])]) {
      const what = `${system}, ${name}`;
      if (cases && !cases.some((c) => what.includes(c))) continue;
      const t = Date.now();
      process.stdout.write(`  ${what} … `);
      try {
        const row = await fn(ctx, shape, n);
        rows.push(row);
        console.log(`p50 ${row.p50} ms, p95 ${row.p95} ms (${round((Date.now() - t) / 1000)} s)${row.breakdown ? ` ${JSON.stringify(row.breakdown)}` : ""}`);
      } catch (e) {
        console.log(`FAILED: ${e.message}`);
        skipped.push({ case: what, reason: `failed: ${e.message}` });
      }
    }
  }
  if (!annex) skipped.push({ case: "git-annex assistant", reason: "--quick, --no-annex or git-annex not installed" });
  for (const s of skipped) console.log(`  skipped ${s.case}: ${s.reason}`);
  printTable("autocommit (ms from the write returning to the file in every other clone)", rows, ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts", "cpuMsPerCommit"]);
  return { unit: "ms from writeFile returning on c1 (no commit) to the file in the work tree; p50/p95/max over writes of the time to reach ALL other clones", setup: AUTOCOMMIT_SETUP, rows, skipped };
}
