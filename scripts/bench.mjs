#!/usr/bin/env node
// `npm run bench` (runs `tsc -b` first): times Herald and records the numbers in
// bench/results.json. Each section replaces only its own key, so sections added later (by other
// scripts or people) survive a rerun of this one.
//
//   npm run bench                      everything (about 18 minutes)
//   npm run bench -- --quick           a smoke run: few commits, no git-annex, no footprint
//   npm run bench -- --in-process      Herald agents in the bench's process (lighter, see herald.mjs)
//   npm run bench -- --only=propagation,throughput   (planner, startup, propagation, autocommit, large, throughput, footprint, scale, content)
//   npm run bench -- --only=startup    how fast `herald` starts: the bundle and dist/, beside node -e 0
//   npm run bench -- --only=planner,scale   the planner at 100,000 nodes; 10, 25 and 50 clones of one repository
//   npm run bench -- --only=propagation --cases="line 5;floor, pair"   propagation cases whose name has one of these
//   npm run bench -- --commits=10      commits per propagation case (default 30; 5 with --quick)
//   npm run bench -- --only=wan        over the link simulator at 80 ms RTT, ssh remotes: pair and star 5 (Herald, the floor with and without ssh connection reuse), a 5 MB annexed file, an outage (--cut=SECONDS, default 30; 20 with --quick)
//   npm run bench -- --only=storm      every clone commits rounds at once, some conflicting (mesh 5, ring 8; git only and XMPP): time to one HEAD, git work per commit
//   npm run bench -- --only=content    a 20 MB annexed file to every repository (line 5, star 5, the cloud case): the floor (the plan's transfers by hand), Herald, git-annex's assistant
//   npm run bench -- --only=content --cases="floor;herald, line" --content-mb=4   some of its cases, a smaller file
//
// Sections: planner; propagation latency (Herald with and without XMPP, the floor of one push
// plus one fast-forward, a 5 s polling loop, git-annex's assistant); footprint of idle agents,
// and of 20 repositories under one `herald daemon` vs under 20 agents; a 200-commit burst;
// start-up time of the command; ratios and targets. The section code is in scripts/bench/.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const resultsFile = new URL("../bench/results.json", import.meta.url);
const SECTIONS = ["planner", "startup", "propagation", "autocommit", "large", "throughput", "footprint", "scale", "content", "wan", "storm"];

async function importBuilt(path) {
  try {
    return await import(path);
  } catch (e) {
    if (e.code !== "ERR_MODULE_NOT_FOUND") throw e;
    console.error(`bench: ${path} is not built; run \`npx tsc -b\` first (${e.message})`);
    process.exit(1);
  }
}

/** The existing results, or {} when there are none yet; a corrupt file is an error, not a reset. */
async function readResults() {
  const text = await readFile(resultsFile, "utf8").catch((e) => (e.code === "ENOENT" ? "{}" : Promise.reject(e)));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`bench/results.json is not valid JSON (${e.message}); fix or delete it`);
  }
}

function parseArgs(argv) {
  const args = { quick: false, only: SECTIONS, annex: true };
  for (const a of argv) {
    if (a === "--quick") args.quick = true;
    else if (a === "--no-annex") args.annex = false;
    else if (a === "--in-process") args.inProcess = true;
    else if (a.startsWith("--content-mb=")) {
      args.contentMb = Number(a.slice(13));
      if (!(args.contentMb > 0 && args.contentMb <= 1024)) throw new Error(`--content-mb wants a size in MB from 1 to 1024, not ${a.slice(13)}`);
    } else if (a.startsWith("--cases=")) args.cases = a.slice(8).split(";").map((c) => c.trim()).filter(Boolean);
    else if (a.startsWith("--commits=")) args.commits = Number(a.slice(10));
    else if (a.startsWith("--cut=")) {
      args.cutSeconds = Number(a.slice(6));
      if (!(args.cutSeconds > 0)) throw new Error(`--cut takes the outage's length in seconds, e.g. --cut=30 (got ${a.slice(6)})`);
    }
    else if (a.startsWith("--only=")) {
      args.only = a.slice(7).split(",").filter(Boolean);
      const bad = args.only.filter((s) => !SECTIONS.includes(s));
      if (bad.length) throw new Error(`unknown section ${bad.join(", ")} (sections: ${SECTIONS.join(", ")})`);
    } else throw new Error(`unknown option ${a} (options: --quick, --no-annex, --in-process, --only=${SECTIONS.join(",")}, --cases="TEXT;…", --commits=N, --content-mb=N, --cut=SECONDS)`);
  }
  return args;
}

const version = async (cmd, args, pick = (s) => s.trim().split("\n")[0]) =>
  execFileP(cmd, args).then(({ stdout }) => pick(stdout), () => null);

async function machine(annexVersion) {
  return {
    cpus: os.availableParallelism(),
    model: os.cpus()[0]?.model ?? "unknown",
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    git: await version("git", ["--version"], (s) => s.trim().replace(/^git version /, "")),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    distro: await readFile("/etc/os-release", "utf8").then((s) => /PRETTY_NAME="?([^"\n]*)/.exec(s)?.[1] ?? null, () => null),
    prosody: await version("prosodyctl", ["about"], (s) => /Prosody\s+(\S+)/.exec(s)?.[1] ?? null),
    gitAnnex: annexVersion,
  };
}

/** Which Herald was measured: the commit, and how many files differed from it (a work in progress). */
async function heraldVersion() {
  const root = new URL("..", import.meta.url);
  const commit = await execFileP("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).then(({ stdout }) => stdout.trim(), () => null);
  const changed = await execFileP("git", ["status", "--porcelain", "--", "packages"], { cwd: root }).then(({ stdout }) => stdout.split("\n").filter(Boolean).length, () => null);
  return { commit, changedFilesInPackages: changed };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const previous = await readResults(); // first: a corrupt file should not cost a whole run
  const lib = await import("./bench/lib.mjs");
  const { Cleanup, printTable } = lib;
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\nbench: ${sig}, cleaning up…`);
    void cleanup.run().finally(() => {
      const left = [...cleanup.paths].filter((p) => existsSync(p));
      if (left.length) console.error(`bench: left behind: ${left.join(", ")}`);
      process.exit(130);
    });
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const results = { ...previous };
  const run = (section) => args.only.includes(section);
  const mode = { quick: args.quick, agents: args.inProcess ? "in this process" : "one process each", at: new Date().toISOString() };

  try {
    const { annexVersion } = await import("./bench/annex.mjs");
    results.machine = await machine(await annexVersion());
    results.herald = await heraldVersion();
    results.machine.loadavgAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
    console.log(`load average ${results.machine.loadavgAtStart.join(" ")} (other work on this machine skews every number below)`);
    console.log(`machine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.memoryGB} GB, ${results.machine.distro ?? results.machine.os}, node ${results.machine.node}, git ${results.machine.git}, prosody ${results.machine.prosody ?? "–"}, git-annex ${results.machine.gitAnnex ?? "–"}`);

    // 3. Planner (pure, fast): first.
    if (run("planner")) {
      const { benchPlanner } = await importBuilt("../packages/planner/dist/bench.js");
      results.planner = benchPlanner([1000, 10000, 100000]);
      printTable("planner: minCostArborescence on random graphs (10 edges per node; target < 1 s at 100,000 nodes)", results.planner);
    }

    if (run("scale")) {
      const { benchScale } = await import("./bench/scale.mjs");
      await importBuilt("@herald/agent");
      results.scale = await benchScale(cleanup, args.quick ? { sizes: [10, 50], commits: 2 } : { sizes: [10, 25, 50], commits: 5 });
      printTable("scale: clones of one repository around a bare hub, agents in this process (per commit, p50; stanzas per clone must stay flat)", results.scale);
    }

    if (run("startup")) {
      const { benchStartup } = await import("./bench/startup.mjs");
      results.startup = await benchStartup(cleanup, { runs: args.quick ? 7 : 21 });
      printTable("startup: exec to exit, ms (status with no daemon running, then with one; target p50 < 150 ms); spawn to first sync (the start-up push in the peer)", results.startup);
    }

    if (run("wan")) {
      const { wanSection } = await import("./bench/wan/section.mjs");
      await importBuilt("@herald/agent");
      const wan = await wanSection(cleanup, { quick: args.quick, inProcess: Boolean(args.inProcess), commits: args.commits, cutSeconds: args.cutSeconds, cases: args.cases });
      results.wan = { ...mode, ...wan };
      if (wan.skipped) console.log(`\nwan: skipped (${wan.skipped})`);
    }

    if (run("storm")) {
      const { stormSection } = await import("./bench/storm/section.mjs");
      await importBuilt("@herald/agent");
      results.storm = { ...mode, ...(await stormSection(cleanup, { quick: args.quick, cases: args.cases })) };
    }

    if (["propagation", "autocommit", "large", "throughput", "footprint", "content"].some(run)) await live(args, results, mode, cleanup);
  } finally {
    await cleanup.run();
    const left = [...cleanup.paths].filter((p) => existsSync(p));
    if (left.length) console.error(`bench: left behind: ${left.join(", ")}`);
  }

  if (results.machine) results.machine.loadavgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  results.run = { ...mode, sections: args.only, seconds: Math.round((Date.now() - started) / 1000) };
  await mkdir(new URL(".", resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${resultsFile.pathname} (${results.run.seconds} s)`);
}

/** The sections that run real clones, agents and a Prosody. */
async function live(args, results, mode, cleanup) {
  const { printTable, round } = await import("./bench/lib.mjs");
  const run = (section) => args.only.includes(section);
  await importBuilt("@herald/agent");
  if (!existsSync(new URL("../packages/cli/dist/bin.js", import.meta.url))) throw new Error("packages/cli is not built; run `npx tsc -b` first");
  const { prosodyInstalled, startXmppServer } = await importBuilt("@herald/testkit");
  const { Detector } = await import("./bench/detector.mjs");
  const detector = await Detector.start();
  cleanup.add("detector worker", () => detector.stop());
  let server = null;
  let noXmpp = null;
  let prosodyPid = null;
  if (await prosodyInstalled()) {
    // Only accounts named up front may create pubsub nodes (testkit's Prosody).
    const { daemonFootprintAccounts } = await import("./bench/daemon-footprint.mjs");
    const extra = run("footprint") && !args.quick ? daemonFootprintAccounts() : [];
    server = await startXmppServer({ accounts: [...Array.from({ length: 20 }, (_, i) => `c${i + 1}`), "idle", ...extra] });
    cleanup.add("prosody", () => server.stop());
    cleanup.paths.add(server.dir);
    prosodyPid = Number((await readFile(`${server.dir}/prosody.pid`, "utf8").catch(() => "")).trim()) || null;
  } else noXmpp = "prosody is not installed (apt-get install prosody): XMPP variants skipped";
  if (noXmpp) console.log(`\n${noXmpp}`);

  const ctx = {
    cleanup, detector, server, prosodyPid,
    opts: {
      inProcess: Boolean(args.inProcess),
      commits: () => args.commits ?? (args.quick ? 5 : 30),
      annexCommits: () => args.commits ?? 30,
      pollCommits: args.commits ?? (args.quick ? 5 : 30),
    },
  };

  const { startIdle, manyAgents } = await import("./bench/footprint.mjs");
  const wantFootprint = run("footprint") && !args.quick && server !== null;
  let idle = null;

  // 1. Propagation latency.
  if (run("propagation")) {
    const P = await import("./bench/propagation.mjs");
    const { label } = await import("./bench/topology.mjs");
    // What runs where: every system on every topology (about 15 minutes on an idle 2-CPU
    // machine), except the fetch-only XMPP variant, which only shows the cost of an announcement
    // hop: the pair and the 5-line. --quick: the pair and the 5-line, no git-annex.
    const all = args.quick ? [["star", 2], ["line", 5]] : [["star", 2], ["star", 5], ["star", 10], ["line", 5], ["line", 10]];
    const has = (list, shape, n) => list.some(([s, m]) => s === shape && m === n);
    const plan = {
      floor: all,
      "herald-xmpp": server ? all : [],
      "herald-xmpp-only": server ? (args.quick ? all : [["star", 2], ["line", 5]]) : [],
      "herald-noxmpp": all,
      // herald.verify=signed on every clone: its cost against herald-xmpp on the same cases.
      "herald-xmpp-verify": server ? [["star", 2], ["star", 5]].filter(([s, m]) => has(all, s, m)) : [],
      polling: args.quick ? [["star", 2]] : all,
      annex: args.quick || !args.annex || !results.machine.gitAnnex ? [] : all,
    };
    const rows = [];
    const skipped = [];
    const step = async (what, fn) => {
      if (args.cases && !args.cases.some((c) => what.includes(c))) return;
      const t = Date.now();
      process.stdout.write(`  ${what} … `);
      try {
        const row = await fn();
        rows.push(row);
        console.log(`p50 ${row.p50} ms, p95 ${row.p95} ms, max ${row.max} ms${row.timeouts ? `, ${row.timeouts} TIMED OUT` : ""} (${round((Date.now() - t) / 1000)} s)`);
      } catch (e) {
        console.log(`FAILED: ${e.message}`);
        skipped.push({ case: what, reason: `failed: ${e.message}` });
      }
    };
    console.log("\npropagation: commit on c1 → file in the work tree of every other clone");
    for (const [shape, n] of all) {
      const name = n === 2 ? "pair" : `${shape} ${n}`;
      if (has(plan.floor, shape, n)) await step(`floor, ${name}`, () => P.propagationFloor(ctx, shape, n));
      for (const v of ["herald-xmpp", "herald-xmpp-verify", "herald-xmpp-only", "herald-noxmpp"]) {
        if (has(plan[v], shape, n)) await step(`${v}, ${name}`, () => P.propagationHerald(ctx, shape, n, v));
      }
    }
    // The idle agent's 60 s run from here on, beside the polling and git-annex cases (which use
    // other clones and no XMPP): its own CPU time is what counts, and it has nothing to do.
    if (wantFootprint && plan.polling.length + plan.annex.length > 0) {
      idle = await startIdle(ctx);
      console.log("  (idle agent for the footprint started; its 60 s window runs beside the next cases)");
    }
    for (const [shape, n] of plan.polling) await step(`polling, ${label(shape, n)}`, () => P.propagationPolling(ctx, shape, n));
    for (const [shape, n] of plan.annex) await step(`git-annex assistant, ${label(shape, n)}`, () => P.propagationAnnex(ctx, shape, n));
    const planned = { floor: "floor", "herald-xmpp": "herald-xmpp", "herald-xmpp-verify": "herald-xmpp-verify", "herald-xmpp-only": "herald-xmpp-only", "herald-noxmpp": "herald-noxmpp", polling: "polling", annex: "git-annex assistant" };
    for (const [key, system] of Object.entries(planned)) {
      if (plan[key].length === 0) continue;
      const left = all.filter(([shape, n]) => !has(plan[key], shape, n)).map(([shape, n]) => label(shape, n));
      if (left.length) skipped.push({ case: `${system} on ${left.join(", ")}`, reason: "not in the plan (run time)" });
    }
    if (!server) skipped.push({ case: "herald-xmpp, herald-xmpp-verify, herald-xmpp-only", reason: noXmpp });
    if (args.quick) skipped.push({ case: "git-annex assistant", reason: "--quick" });
    else if (!args.annex) skipped.push({ case: "git-annex assistant", reason: "--no-annex" });
    else if (!results.machine.gitAnnex) skipped.push({ case: "git-annex assistant", reason: "git-annex is not installed (apt-get install -y git-annex)" });
    for (const s of skipped) console.log(`  skipped ${s.case}: ${s.reason}`);
    const order = ["floor", "herald-xmpp", "herald-xmpp-verify", "herald-xmpp-only", "herald-noxmpp", "polling", "git-annex"];
    const rank = (r) => order.findIndex((o) => r.system === o || r.system.startsWith(`${o} `));
    rows.sort((a, b) => a.clones - b.clones || a.topology.localeCompare(b.topology) || rank(a) - rank(b));
    results.propagation = { ...mode, unit: "ms from `git commit` returning on c1 to the file in the work tree; p50/p95/max over commits of the time to reach ALL other clones; eachP50 = median over (commit, clone)", rows, skipped };
    printTable("propagation latency (ms; all = until the last clone has it)", rows, ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts", "cpuMsPerCommit"]);
    const breakdown = rows.filter((r) => r.breakdown).map((r) => ({
      system: r.system, topology: r.topology,
      ...Object.fromEntries(Object.entries(r.breakdown).map(([k, v]) => [k, v.p50])),
      merges: r.counts.merged, fetches: r.counts.fetches, fetchedOnAnnounce: r.counts.fetchedAnnounced, notFound: r.counts.notFound,
      selfEcho: r.counts.selfEcho, otherWarnings: r.counts.otherWarnings,
    }));
    printTable("where Herald's time goes (p50 ms after `git commit` returned, at c1 and at the clone reached last) and what each run did (counts over all commits)", breakdown,
      ["system", "topology", "notice", "pushed", "announced", "fetchedAnnounced", "peerMerged", "inTree", "merges", "fetches", "fetchedOnAnnounce", "notFound", "selfEcho", "otherWarnings"]);
  }

  // 1b. Autocommit: a file written (not committed) → in every other clone; Herald vs the assistant.
  if (run("autocommit")) {
    const { autocommitSection } = await import("./bench/autocommit.mjs");
    results.autocommit = { ...mode, ...(await autocommitSection(ctx, { annex: !args.quick && args.annex && Boolean(results.machine.gitAnnex), cases: args.cases })) };
  }

  // 1c. Large: star 20, and a pair on a repository of 100,000 files (about 1 GB).
  if (run("large")) {
    const { largeSection } = await import("./bench/large.mjs");
    results.large = { ...mode, ...(await largeSection(ctx, { quick: args.quick, server })) };
  }

  // 4. Throughput: a 200-commit burst.
  if (run("throughput")) {
    const { burst } = await import("./bench/throughput.mjs");
    const cases = [];
    for (const n of args.quick ? [2] : [2, 5]) {
      if (server) cases.push([n, "herald-xmpp"]);
      cases.push([n, "herald-noxmpp"]);
    }
    const rows = [];
    console.log("\nthroughput: commits made as fast as possible on c1 (star)");
    for (const [n, variant] of cases) {
      process.stdout.write(`  ${variant}, ${n === 2 ? "pair" : `star ${n}`} … `);
      try {
        const row = await burst(ctx, n, variant, args.quick ? 50 : 200);
        rows.push(row);
        console.log(`last commit everywhere after ${row.lastToAllMs} ms`);
      } catch (e) {
        console.log(`FAILED: ${e.message}`);
      }
    }
    results.throughput = { ...mode, rows };
    printTable("burst (ms; per peer: min–max over peers; transfers = pushes into it + its fetches)", rows,
      ["system", "topology", "commits", "commitLoopMs", "lastToAllMs", "firstToAllMs", "transfersPerPeer", "fetchesPerPeer", "fetchesOnAnnouncePerPeer", "mergesPerPeer", "originPushes", "originAnnounces", "cpuMsTotal"]);
  }

  // 2. Footprint (child processes; a 60 s idle window).
  if (run("footprint")) {
    if (args.quick) console.log("\nfootprint: skipped (--quick)");
    else if (!server) console.log(`\nfootprint: skipped (${noXmpp})`);
    else {
      console.log("\nfootprint: `herald agent` as a child process, online on XMPP (60 s idle, then 10 agents, then 20 repositories: one daemon vs 20 agents)");
      if (!idle) idle = await startIdle(ctx);
      const f = { idle: await idle.finish() };
      idle = null;
      f.many = await manyAgents(ctx);
      const { daemonVsAgents } = await import("./bench/daemon-footprint.mjs");
      try {
        Object.assign(f, await daemonVsAgents(ctx));
      } catch (e) {
        console.log(`  20 repositories, daemon vs agents: FAILED: ${e.message}`);
        f.daemon20Failed = e.message;
      }
      results.footprint = { ...mode, ...f };
      printTable("one idle agent", [f.idle]);
      printTable("ten agents on one machine", [f.many]);
      if (f.daemon20) {
        printTable("20 repositories: one daemon vs 20 agents (MB of RSS; ticks of CPU in the idle window, after 30 s to settle; ms from spawn to the 20th xmpp-online)", [f.daemon20, f.agents20].filter(Boolean),
          ["setup", "processes", "rssAtOnlineMB", "rssMB", "childProcesses", "childRssMB", "totalRssMB", "onlineMs", "settleTicks", "idleSeconds", "ticks", "processesTicking", "childTicks", "logLinesWhileIdle"]);
        console.log(`  children: daemon ${f.daemon20.children}; agents ${f.agents20?.children ?? "–"}; tick = ${f.idle.tickMs} ms; \`herald status --json\`: ${f.daemon20.statusOnline} of 20 online`);
      }
    }
  }

  // 6. Content: a 20 MB annexed file, Herald's plan against the assistant's flood, side by side.
  if (run("content")) {
    if (!results.machine.gitAnnex || !server) console.log(`\ncontent: skipped (${!server ? noXmpp : "git-annex is not installed (apt-get install -y git-annex)"})`);
    else {
      const { contentCase, contentRatios } = await import("./bench/content.mjs");
      const rows = [];
      console.log(`\ncontent: one ${args.contentMb ?? 20} MB annexed file committed on c1 → its content in every clone`);
      for (const [shape, n] of [["line", 5], ["star", 5], ["cloud", 3]]) {
        for (const system of ["floor", "herald", "annex"]) {
          if (args.cases && !args.cases.some((c) => `${system}, ${shape} ${n}`.includes(c))) continue;
          process.stdout.write(`  ${system}, ${shape} ${n} … `);
          try {
            const row = await contentCase(ctx, shape, n, system, args.contentMb);
            rows.push(row);
            console.log(`${row.msToAll ?? `TIMED OUT (missing: ${row.missing})`} ms, ${row.arrivals} arrivals${row.mbExpensive === "" ? "" : `, ${row.mbExpensive} MB over expensive edges`}`);
          } catch (e) {
            console.log(`FAILED: ${e.message}`);
          }
        }
      }
      const ratios = contentRatios(rows);
      results.content = { ...mode, unit: "ms from `git commit` of the file on c1 returning until every repository holds its content; content arrivals per repository and transfers touching the cloud, watched from outside both systems (scripts/bench/received.mjs); the floor runs the plan's transfers by hand (scripts/bench/content-floor.mjs)", rows, ratios };
      printTable("content: a 20 MB file to every repository (ms; arrivals counted from outside, ideal = one per repository; MB over the cloud's expensive edges)", rows, ["system", "topology", "msToAll", "missing", "arrivals", "ideal", "mbReceived", "cloudUploads", "cloudDownloads", "mbExpensive", "heraldTransfers", "watchErrors"]);
      const hops = rows.filter((r) => r.floorHops);
      if (hops.length) printTable("content: the floor's transfers (ms each, children at once, hop after hop)", hops, ["topology", "floorHops"]);
      printTable("content: Herald and the assistant over the floor (ms to every repository)", ratios);
    }
  }

  // 5. Ratios and targets, from whatever this run and earlier runs recorded.
  const { ratios, targets } = await import("./bench/report.mjs");
  const prop = results.propagation?.rows ?? [];
  if (prop.length) {
    results.ratios = ratios(prop);
    printTable("side by side (p50 ms to reach all; ratio = how many times slower than Herald over XMPP, or Herald vs the floor)", results.ratios);
  }
  results.targets = targets({ propagation: prop, footprint: results.footprint, throughput: results.throughput?.rows, autocommit: results.autocommit?.rows, large: results.large?.rows });
  if (results.targets.length) {
    printTable("targets", results.targets.map((t) => ({ "": t.met ? "met" : "MISSED", target: t.target, measured: t.measured, miss: t.miss ?? "" })));
  }
}

main().then(() => {
  // Everything was stopped; if some handle still keeps Node alive, say which and exit anyway.
  setTimeout(() => {
    const handles = process.getActiveResourcesInfo?.() ?? [];
    console.error(`bench: still running after cleanup (${handles.join(", ") || "unknown"}); exiting`);
    process.exit(0);
  }, 3000).unref();
}, (e) => {
  console.error(`bench: ${e.stack ?? e.message}`);
  process.exit(1);
});
