#!/usr/bin/env node
// `npm run bench` (runs `tsc -b` first): times Herald and records the numbers in
// bench/results.json. Each section replaces only its own key, so sections added later (by other
// scripts or people) survive a rerun of this one.
//
//   npm run bench                      everything (about 10 minutes)
//   npm run bench -- --quick           a smoke run: few commits, no git-annex, no footprint
//   npm run bench -- --only=propagation,throughput   (planner, propagation, throughput, footprint)
//
// Sections: planner; propagation latency (Herald with and without XMPP, the floor of one push
// plus one fast-forward, a 5 s polling loop, git-annex's assistant); footprint of idle agents;
// a 200-commit burst; ratios and targets. The section code is in scripts/bench/.
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const resultsFile = new URL("../bench/results.json", import.meta.url);
const SECTIONS = ["planner", "propagation", "throughput", "footprint"];

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
    else if (a.startsWith("--only=")) {
      args.only = a.slice(7).split(",").filter(Boolean);
      const bad = args.only.filter((s) => !SECTIONS.includes(s));
      if (bad.length) throw new Error(`unknown section ${bad.join(", ")} (sections: ${SECTIONS.join(", ")})`);
    } else throw new Error(`unknown option ${a} (options: --quick, --no-annex, --only=${SECTIONS.join(",")})`);
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

const tmpEntries = async () => new Set((await readdir(os.tmpdir()).catch(() => [])).filter((n) => n.startsWith("herald-")));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const previous = await readResults(); // first: a corrupt file should not cost a whole run
  const lib = await import("./bench/lib.mjs");
  const { Cleanup, printTable, round } = lib;
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\nbench: ${sig}, cleaning up…`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const tmpBefore = await tmpEntries();
  const results = { ...previous };
  const run = (section) => args.only.includes(section);
  const mode = { quick: args.quick, at: new Date().toISOString() };

  try {
    const { annexVersion } = await import("./bench/annex.mjs");
    const annex = args.quick || !args.annex ? null : await annexVersion();
    results.machine = await machine(annex ?? (await annexVersion()));
    console.log(`machine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.memoryGB} GB, ${results.machine.distro ?? results.machine.os}, node ${results.machine.node}, git ${results.machine.git}, prosody ${results.machine.prosody ?? "–"}, git-annex ${results.machine.gitAnnex ?? "–"}`);

    // 3. Planner (pure, fast): first.
    if (run("planner")) {
      const { benchPlanner } = await importBuilt("../packages/planner/dist/bench.js");
      results.planner = benchPlanner([1000, 10000, 50000]);
      printTable("planner: minCostArborescence on random graphs (10 edges per node)", results.planner);
    }

    const needsXmpp = run("propagation") || run("throughput") || run("footprint");
    if (!needsXmpp) return;
    await importBuilt("@herald/agent");
    await importBuilt("../packages/cli/dist/bin.js".replace("bin.js", "commands/agent.js"));
    const { prosodyInstalled, startXmppServer } = await importBuilt("@herald/testkit");
    const { Detector } = await import("./bench/detector.mjs");
    const detector = await Detector.start();
    cleanup.add("detector worker", () => detector.stop());
    let server = null;
    let noXmpp = null;
    if (await prosodyInstalled()) {
      server = await startXmppServer({ accounts: Array.from({ length: 10 }, (_, i) => `c${i + 1}`) });
      cleanup.add("prosody", () => server.stop());
    } else noXmpp = "prosody is not installed (apt-get install prosody): XMPP variants skipped";
    if (noXmpp) console.log(`\n${noXmpp}`);

    const ctx = {
      cleanup, detector, server,
      opts: {
        commits: (shape, n) => (args.quick ? 5 : 30),
        annexCommits: () => 30,
        pollCommits: args.quick ? 5 : 30,
      },
    };

    // 1. Propagation latency.
    if (run("propagation")) {
      const P = await import("./bench/propagation.mjs");
      const topologies = args.quick ? [["star", 2], ["line", 5]] : [["star", 2], ["star", 5], ["star", 10], ["line", 5], ["line", 10]];
      // git-annex's assistant needs ~1–2 s per hop: 30 sequential commits per case add up, so it
      // runs on the pair, the 10-star and the 5-line only.
      const annexTopologies = [["star", 2], ["star", 10], ["line", 5]];
      const pollTopologies = args.quick ? [["star", 2]] : [["star", 2], ["star", 10]];
      const rows = [];
      const skipped = [];
      const step = async (what, fn) => {
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
      for (const [shape, n] of topologies) {
        const name = n === 2 ? "pair" : `${shape} ${n}`;
        await step(`floor, ${name}`, () => P.propagationFloor(ctx, shape, n));
        if (server) {
          await step(`herald-xmpp, ${name}`, () => P.propagationHerald(ctx, shape, n, "herald-xmpp"));
          await step(`herald-xmpp-only, ${name}`, () => P.propagationHerald(ctx, shape, n, "herald-xmpp-only"));
        }
        await step(`herald-noxmpp, ${name}`, () => P.propagationHerald(ctx, shape, n, "herald-noxmpp"));
      }
      if (!server) skipped.push({ case: "herald-xmpp, herald-xmpp-only", reason: noXmpp });
      for (const [shape, n] of pollTopologies) {
        await step(`polling, ${n === 2 ? "pair" : `${shape} ${n}`}`, () => P.propagationPolling(ctx, shape, n));
      }
      if (args.quick) skipped.push({ case: "git-annex assistant", reason: "--quick" });
      else if (!args.annex) skipped.push({ case: "git-annex assistant", reason: "--no-annex" });
      else if (!annex) skipped.push({ case: "git-annex assistant", reason: "git-annex is not installed (apt-get install -y git-annex)" });
      else for (const [shape, n] of annexTopologies) await step(`git-annex assistant, ${n === 2 ? "pair" : `${shape} ${n}`}`, () => P.propagationAnnex(ctx, shape, n));

      for (const s of skipped) console.log(`  skipped ${s.case}: ${s.reason}`);
      const order = ["floor", "herald-xmpp", "herald-xmpp-only", "herald-noxmpp", "polling", "git-annex"];
      rows.sort((a, b) => a.clones - b.clones || a.topology.localeCompare(b.topology) || order.findIndex((o) => a.system.startsWith(o)) - order.findIndex((o) => b.system.startsWith(o)));
      results.propagation = { ...mode, unit: "ms from `git commit` returning on c1 to the file in the work tree; p50/p95/max over commits of the time to reach ALL other clones; eachP50 = median over (commit, clone)", rows, skipped };
      printTable("propagation latency (ms; all = until the last clone has it)", rows, ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts"]);
      const breakdown = rows.filter((r) => r.breakdown).map((r) => ({
        system: r.system, topology: r.topology,
        ...Object.fromEntries(Object.entries(r.breakdown).map(([k, v]) => [k, v.p50])),
        merges: r.counts.merged, fetchesOnAnnounce: r.counts.fetchedAnnounced, warnings: r.counts.warnings,
      }));
      printTable("where Herald's time goes (p50 ms after `git commit` returned; peer = the clone reached last; counts over all peers)", breakdown,
        ["system", "topology", "notice", "pushed", "announced", "fetchedAnnounced", "peerMerged", "inTree", "merges", "fetchesOnAnnounce", "warnings"]);
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
      printTable("burst (ms; merges/fetches per peer as min–max over peers)", rows,
        ["system", "topology", "commits", "commitLoopMs", "lastToAllMs", "firstToAllMs", "mergesPerPeer", "fetchesOnAnnouncePerPeer", "fetchesPerPeer", "originPushes", "originAnnounces"]);
    }

    // 2. Footprint (child processes; a 60 s idle window).
    if (run("footprint")) {
      if (args.quick) console.log("\nfootprint: skipped (--quick)");
      else if (!server) console.log(`\nfootprint: skipped (${noXmpp})`);
      else {
        const { footprint } = await import("./bench/footprint.mjs");
        console.log("\nfootprint: `herald agent` as a child process, online on XMPP (60 s idle, then 10 agents)");
        const f = await footprint(ctx);
        results.footprint = { ...mode, ...f };
        printTable("one idle agent", [f.idle]);
        printTable("ten agents on one machine", [f.many]);
      }
    }

    // 5. Ratios and targets, from whatever this run and earlier runs recorded.
    const { ratios, targets } = await import("./bench/report.mjs");
    const prop = results.propagation?.rows ?? [];
    if (prop.length) {
      results.ratios = ratios(prop);
      printTable("side by side (p50 ms to reach all; ratio = how many times slower than Herald over XMPP, or Herald vs the floor)", results.ratios);
    }
    results.targets = targets({ propagation: prop, footprint: results.footprint, throughput: results.throughput?.rows });
    if (results.targets.length) {
      printTable("targets", results.targets.map((t) => ({ "": t.met ? "met" : "MISSED", target: t.target, measured: t.measured, miss: t.miss ?? "" })));
    }
  } finally {
    await cleanup.run();
    const left = [...(await tmpEntries())].filter((n) => !tmpBefore.has(n));
    if (left.length) console.error(`bench: left behind in ${os.tmpdir()}: ${left.join(", ")}`);
  }

  results.run = { ...mode, sections: args.only, seconds: Math.round((Date.now() - started) / 1000) };
  await mkdir(new URL(".", resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${resultsFile.pathname} (${results.run.seconds} s)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench: ${e.stack ?? e.message}`);
  process.exit(1);
});
