// Section 1: propagation latency. A new file is committed on c1; the clock starts when `git commit`
// returns and stops, per peer, when the file is in that peer's work tree (seen by the detector
// worker). Reported per commit: "all" = the last peer to get it, "each" = every peer's own wait.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startAnnex } from "./annex.mjs";
import { recordsOf, settle, startHerald } from "./herald.mjs";
import { cpuMs, git, now, percentile, round, sleep } from "./lib.mjs";
import { buildTopology, configureXmpp, edges, label, names, signAndVerify } from "./topology.mjs";

const execFileP = promisify(execFile);

/**
 * Commits one at a time on the origin; the next one only after the last has reached every peer
 * and a short pause. `afterCommit(file)` runs right after `git commit` returns (the floor script);
 * `between()` after the commit has arrived everywhere (Herald: until the agents are quiet again);
 * `cpu()` is read before the first counted commit and after the last.
 */
export async function sequentialCommits(detector, topo, { commits, pauseMs, timeoutMs, tag, afterCommit, between, cpu, write = false }) {
  const rows = [];
  let byPoll = 0;
  let byOther = 0;
  let cpu0 = 0;
  for (let i = -1; i < commits; i++) { // i = -1: warm-up, not counted
    if (i === 0 && cpu) cpu0 = await cpu();
    const file = `${tag}-${i < 0 ? "warmup" : i}.txt`;
    const paths = topo.peers.map((p) => join(p, file));
    const arrival = detector.arrival(paths, timeoutMs); // before the commit: the file is new
    // `write`: only the file is written; the system under test commits it (autocommit).
    const c = await (write ? detector.write(topo.origin, file, `${tag} ${i}\n`) : detector.commit(topo.origin, file, `${tag} ${i}\n`));
    if (afterCommit) await afterCommit(file);
    const { times, byPoll: polled } = await arrival;
    const sha = (await git(topo.origin, "rev-parse", "HEAD")).trim();
    if (i >= 0) {
      byPoll += polled;
      byOther += c.byOther ? 1 : 0;
      const each = paths.map((p) => (times[p] === null ? null : times[p] - c.t));
      rows.push({ i, sha, t0: c.t, each, all: each.includes(null) ? null : Math.max(...each) });
    }
    if (between) await between();
    await sleep(pauseMs + Math.random() * pauseMs);
  }
  // After a last quiet second, so that work a commit set off after it arrived is counted too.
  const cpuPerCommit = cpu ? (await sleep(1000), ((await cpu()) - cpu0) / commits) : null;
  return { rows, byPoll, byOther, cpuPerCommit };
}

export function summarize(system, topo, run, extra = {}) {
  const all = run.rows.map((r) => r.all).filter((x) => x !== null);
  const each = run.rows.flatMap((r) => r.each).filter((x) => x !== null);
  const lost = run.rows.filter((r) => r.all === null).length;
  return {
    system, topology: label(topo.shape, topo.n), clones: topo.n, commits: run.rows.length,
    p50: round(percentile(all, 50)), p95: round(percentile(all, 95)), max: round(all.length ? Math.max(...all) : null),
    eachP50: round(percentile(each, 50)),
    timeouts: lost,
    ...(run.cpuPerCommit !== undefined && run.cpuPerCommit !== null ? { cpuMsPerCommit: round(run.cpuPerCommit) } : {}),
    ...extra,
    ...(run.byPoll ? { detectedByPoll: run.byPoll } : {}),
  };
}

/** Where the time goes in Herald, per commit and peer (median over commits; ms from commit). */
function heraldBreakdown(agents, run, topo) {
  const steps = { notice: [], pushed: [], announced: [], fetchedAnnounced: [], peerMerged: [], inTree: [] };
  const last = topo.n === 2 ? ["c2"] : [names(topo.n).at(-1)];
  for (const r of run.rows) {
    const at = (event, agent) => recordsOf(agents, event, r.sha).find((x) => x.agent === agent && x.t >= r.t0 - 50);
    const add = (k, rec) => { if (rec) steps[k].push(rec.t - r.t0); };
    add("notice", at("commit", "c1"));
    // c1's push on the way to the peer timed last: straight to it in a star, to c2 in a line
    const firstHop = topo.shape === "star" ? last[0] : "c2";
    add("pushed", recordsOf(agents, "pushed", r.sha).find((x) => x.agent === "c1" && x.remote === firstHop && x.t >= r.t0 - 50));
    add("announced", at("announced", "c1"));
    for (const n of last) {
      add("fetchedAnnounced", at("fetched-announced", n));
      add("peerMerged", at("merged", n));
    }
    if (r.each.at(-1) !== null) steps.inTree.push(r.each.at(-1));
  }
  return Object.fromEntries(Object.entries(steps).filter(([, v]) => v.length).map(([k, v]) => [k, { p50: round(percentile(v, 50), 1), n: v.length }]));
}

/**
 * Event counts during the measured commits (which path did the work, and what was wasted):
 * merges and fetches by the peers, announced commits a fetch did not find, the agent's own
 * announcements coming back and being dropped as from a "stranger", other warnings.
 */
function heraldCounts(agents) {
  const all = Object.values(agents).flatMap((a) => a.records);
  const peers = all.filter((r) => r.agent !== "c1");
  const n = (rs, ev) => rs.filter((r) => r.event === ev).length;
  const selfEcho = (r) => r.event === "announcement-dropped" && typeof r.publisher === "string" && r.publisher.startsWith(`${r.agent}@`);
  return {
    merged: n(peers, "merged"),
    // Publishes: c1's own, and the peers' (a peer that reached a head before it heard c1 announce
    // it announces it too, and every subscriber gets each publish).
    announcedByC1: n(all.filter((r) => r.agent === "c1"), "announced"),
    announcedByPeers: n(peers, "announced"),
    fetches: n(peers, "fetch"),
    fetchedAnnounced: n(peers, "fetched-announced"),
    notFound: n(all, "announced-commit-not-found"),
    selfEcho: all.filter(selfEcho).length,
    otherWarnings: all.filter((r) => (r.level === "warn" || r.level === "error") && !selfEcho(r) && r.event !== "announced-commit-not-found").length,
  };
}

/** `build`: makes the clones (default buildTopology; the large cases bring their own). */
export async function propagationHerald(ctx, shape, n, variant, build = buildTopology) {
  const { cleanup, detector, server, opts } = ctx;
  const xmpp = variant !== "herald-noxmpp";
  const directed = variant === "herald-xmpp-only";
  const topo = await build(cleanup, shape, n, { directed });
  try {
    if (variant === "herald-xmpp-verify") await signAndVerify(topo);
    if (xmpp) await configureXmpp(topo, server, `bench-${variant}-${shape}${n}-${process.pid}-${Date.now()}`);
    const h = await startHerald(cleanup, topo, { xmpp, watchRemoteRefs: !directed, inProcess: opts.inProcess });
    try {
      for (const a of Object.values(h.agents)) a.records.length = 0;
      const run = await sequentialCommits(detector, topo, {
        commits: opts.commits(shape, n), pauseMs: opts.pauseMs ?? 50, timeoutMs: 20_000, tag: variant,
        between: () => settle(h.agents, 50),
        cpu: () => cpuMs({ pids: [...h.pids(), ...(xmpp ? [ctx.prosodyPid] : [])] }),
      });
      const breakdown = heraldBreakdown(h.agents, run, topo);
      if (process.env.HERALD_BENCH_SLOWEST) printSlowest(h.agents, run, Number(process.env.HERALD_BENCH_SLOWEST) || 2);
      return { ...summarize(variant, topo, run), counts: heraldCounts(h.agents), breakdown };
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}

/** HERALD_BENCH_SLOWEST=N: what every agent logged during the N slowest commits, for reading
 * where a tail comes from (ms from the commit, agent, event, remote, sha). */
function printSlowest(agents, run, count) {
  const slow = [...run.rows].filter((r) => r.all !== null).sort((a, b) => b.all - a.all).slice(0, count);
  for (const r of slow) {
    console.log(`\n  commit ${r.i} (${r.sha.slice(0, 8)}): ${Math.round(r.all)} ms to all; each ${r.each.map((x) => (x === null ? "-" : Math.round(x))).join(", ")}`);
    const recs = Object.values(agents).flatMap((a) => a.records).filter((x) => x.t >= r.t0 - 20 && x.t <= r.t0 + r.all + 20).sort((a, b) => a.t - b.t);
    for (const x of recs) console.log(`    ${Math.round(x.t - r.t0)} ms ${x.agent} ${x.event}${x.remote ? ` ${x.remote}` : ""}${x.sha ? ` ${String(x.sha).slice(0, 8)}` : ""}${x.why ? ` (${x.why})` : ""}${x.reason ? ` (${x.reason})` : ""}${x.ms !== undefined ? ` ${x.ms} ms` : ""}`);
  }
}

/** The floor: push into the peer's refs/remotes, `merge --ff-only` there; a line is a chain of those. */
export async function propagationFloor(ctx, shape, n, build = buildTopology) {
  const { cleanup, detector, opts } = ctx;
  const topo = await build(cleanup, shape, n);
  try {
    const hop = async (up, down) => {
      await git(topo.clones[up], "push", "-q", down, `HEAD:refs/remotes/${up}/main`);
      await git(topo.clones[down], "merge", "--ff-only", "-q", `refs/remotes/${up}/main`);
    };
    const afterCommit = shape === "star"
      ? () => Promise.all(edges(shape, n).map(([up, down]) => hop(up, down)))
      : async () => { for (const [up, down] of edges(shape, n)) await hop(up, down); };
    const run = await sequentialCommits(detector, topo, { commits: opts.commits(shape, n), pauseMs: opts.pauseMs ?? 50, timeoutMs: 20_000, tag: "floor", afterCommit, cpu: () => cpuMs() });
    return summarize("floor", topo, run);
  } finally {
    await topo.dispose();
  }
}

/** `write`: the assistant in its own mode, committing the files written (autocommit.mjs), `pauseMs` apart. */
export async function propagationAnnex(ctx, shape, n, { write = false, pauseMs = 100 } = {}) {
  const { cleanup, detector, opts } = ctx;
  const topo = await buildTopology(cleanup, shape, n);
  try {
    const annex = await startAnnex(cleanup, topo);
    try {
      const run = await sequentialCommits(detector, topo, {
        commits: opts.annexCommits(shape, n), pauseMs, timeoutMs: 60_000, tag: write ? "annex-write" : "annex", write,
        cpu: () => cpuMs({ pids: annex.pids(), pgids: annex.pgids() }),
      });
      if (write) return summarize("git-annex assistant (its own commits)", topo, run);
      return summarize("git-annex assistant", topo, run, run.byOther ? { committedByAssistant: run.byOther } : {});
    } finally {
      await annex.stop();
    }
  } finally {
    await topo.dispose();
  }
}

/**
 * Polling: every non-origin clone pulls from its upstream neighbour every `intervalMs` (random
 * phase per clone, as unsynchronised machines would be). A poll does not react to commits, so the
 * commits need not wait for each other: they are made ~1 s apart and each is timed on its own.
 */
export async function propagationPolling(ctx, shape, n, intervalMs = 5000) {
  const { cleanup, detector, opts } = ctx;
  const topo = await buildTopology(cleanup, shape, n);
  let running = true;
  const loops = [];
  const stopLoops = cleanup.add("polling loops", async () => { running = false; await Promise.all(loops); });
  try {
    for (const [down, up] of Object.entries(topo.upstream)) {
      loops.push((async () => {
        await sleep(Math.random() * intervalMs);
        while (running) {
          const t = now();
          await execFileP("git", ["pull", "-q", "--ff-only", "--no-rebase", up, "main"], { cwd: topo.clones[down] }).catch(() => undefined);
          const wait = intervalMs - (now() - t);
          for (let end = now() + wait; running && now() < end;) await sleep(Math.min(100, end - now()));
        }
      })());
    }
    const commits = opts.pollCommits;
    const arrivals = [];
    for (let i = 0; i < commits; i++) {
      const file = `poll-${i}.txt`;
      const paths = topo.peers.map((p) => join(p, file));
      const arrival = detector.arrival(paths, intervalMs * (n + 2));
      const c = await detector.commit(topo.origin, file, `poll ${i}\n`);
      arrivals.push(arrival.then(({ times, byPoll }) => ({ c, paths, times, byPoll })));
      await sleep(500 + Math.random() * 1000);
    }
    const rows = (await Promise.all(arrivals)).map(({ c, paths, times }, i) => {
      const each = paths.map((p) => (times[p] === null ? null : times[p] - c.t));
      return { i, each, all: each.includes(null) ? null : Math.max(...each) };
    });
    return summarize(`polling (git pull every ${intervalMs / 1000} s)`, topo, { rows, byPoll: 0 });
  } finally {
    await stopLoops();
    await topo.dispose();
  }
}
