// Section: autocommit, each system on its own terms. A new file is written on c1 and nothing
// more; the clock starts when the write returns and stops, per peer, when the file is in that
// peer's work tree. Herald with herald.autocommit=true (over XMPP when Prosody is there) against
// git-annex's assistant in its own mode (it commits the file you save; annex.mjs keeps files in
// git with annex.largefiles=nothing), on the same topologies, one write at a time.
import { settle, startHerald } from "./herald.mjs";
import { cpuMs, git } from "./lib.mjs";
import { propagationAnnex, sequentialCommits, summarize } from "./propagation.mjs";
import { buildTopology, configureXmpp, names } from "./topology.mjs";

export const AUTOCOMMIT_CASES = [["star", 2], ["star", 5], ["line", 5]];

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
        commits: opts.commits(shape, n), pauseMs: 100, timeoutMs: 20_000, tag: "autocommit", write: true,
        between: () => settle(h.agents, 50),
        cpu: () => cpuMs({ pids: [...h.pids(), ...(xmpp ? [ctx.prosodyPid] : [])] }),
      });
      return summarize(`herald autocommit${xmpp ? "" : " (no XMPP)"}`, topo, run);
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}

export const autocommitAnnex = (ctx, shape, n) => propagationAnnex(ctx, shape, n, { write: true });

/** Every case, printed as it goes and as a table; `annex`: run the assistant's cases too. */
export async function autocommitSection(ctx, { annex, cases }) {
  const { printTable, round } = await import("./lib.mjs");
  const rows = [];
  const skipped = [];
  console.log("\nautocommit: file written on c1 (no commit) → file in the work tree of every other clone");
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
        console.log(`p50 ${row.p50} ms, p95 ${row.p95} ms (${round((Date.now() - t) / 1000)} s)`);
      } catch (e) {
        console.log(`FAILED: ${e.message}`);
        skipped.push({ case: what, reason: `failed: ${e.message}` });
      }
    }
  }
  if (!annex) skipped.push({ case: "git-annex assistant", reason: "--quick, --no-annex or git-annex not installed" });
  for (const s of skipped) console.log(`  skipped ${s.case}: ${s.reason}`);
  printTable("autocommit (ms from the write returning to the file in every other clone)", rows, ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts", "cpuMsPerCommit"]);
  return { unit: "ms from writeFile returning on c1 (no commit) to the file in the work tree; p50/p95/max over writes of the time to reach ALL other clones", rows, skipped };
}
