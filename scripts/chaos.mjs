#!/usr/bin/env node
// Herald's chaos suite: clones edited at once in rings, meshes and stars while agents are
// SIGKILLed, Prosody restarts (and loses its data), remotes vanish, a disk fills, a clock is an
// hour off and a user leaves edits uncommitted; then nothing may be lost. Every random choice
// comes from --seed, so a failing run is repeated exactly with the same seed.
//
//   npm run chaos -- --seed 7                 the full run: four cases of 60 s each
//   npm run chaos -- --seed 7 --quick         the CI version (about a minute)
//   options: --duration S  --cases ring8,mesh10,star7,ring8-announce  --hostile N  --out FILE  --keep (leave the clones)
//            --verify (every clone signs its commits and merges only signed work: herald.verify=signed)
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Cleanup, printTable } from "./bench/lib.mjs";
import { runCase } from "./chaos/case.mjs";
import { passed } from "./chaos/invariants.mjs";
import { hostilePassed } from "./chaos/hostile.mjs";
import { prng } from "./chaos/prng.mjs";

const CASES = {
  ring8: { shape: "ring", n: 8, watch: true },
  mesh10: { shape: "mesh", n: 10, watch: true },
  star7: { shape: "star", n: 7, watch: true }, // seven clones around a bare hub
  "ring8-announce": { shape: "ring", n: 8, watch: false }, // ref watching off: announcements alone
  ring5: { shape: "ring", n: 5, watch: false },
};

const { values: a } = parseArgs({ options: {
  seed: { type: "string", default: "1" }, quick: { type: "boolean", default: false }, duration: { type: "string" },
  cases: { type: "string" }, hostile: { type: "string" }, out: { type: "string", default: "bench/chaos.json" },
  keep: { type: "boolean", default: false }, verify: { type: "boolean", default: false },
} });
const seed = Number(a.seed);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number, not ${a.seed}`);
const opts = {
  seed,
  // The quick run (the test suite's) keeps every fault kind but shortens each: it runs inside the
  // suite's 10 minutes on two cores, beside everything else.
  durationS: Number(a.duration ?? (a.quick ? 12 : 60)),
  hostileCount: Number(a.hostile ?? (a.quick ? 60 : 1000)), // per account: a stranger and an allow-listed one
  checkoutFiles: a.quick ? 1000 : 4000,
  unreachableMs: a.quick ? 5000 : 10_000, diskFullMs: a.quick ? 3000 : 8000, quietMs: 10_000,
  convergeMs: a.quick ? 120_000 : 180_000, parallel: a.quick ? 2 : 3, keep: a.keep, verify: a.verify, out: resolve(a.out),
};
const caseNames = (a.cases ?? (a.quick ? "ring5" : "ring8,mesh10,star7,ring8-announce")).split(",");
for (const c of caseNames) if (!CASES[c]) throw new Error(`unknown case ${c} (one of ${Object.keys(CASES).join(", ")})`);

const cleanup = new Cleanup();
let current = null; // the running case's cleanup: its agents, Prosody, mount and clones
// Ctrl-C, SIGTERM or a stray rejection end the run, never with anything left behind.
const bail = (code) => void Promise.all([current?.run(), cleanup.run()]).finally(() => process.exit(code));
for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => bail(130));
process.on("unhandledRejection", (e) => { console.error("chaos: unhandled:", e); bail(2); });
const rng = prng(seed);
const results = [];
try {
  for (const name of caseNames) {
    const one = current = new Cleanup();
    try {
      // The hostile suite does not depend on the shape: once per run, on the first case.
      results.push(await runCase(one, { label: name, ...CASES[name] }, rng.fork(name), { ...opts, hostileCount: results.length ? 0 : opts.hostileCount }));
    } finally {
      await one.run();
    }
  }
} finally {
  await cleanup.run();
}

const ok = (r) => passed(r) && hostilePassed(r.hostile);
printTable(`Chaos, seed ${seed}: invariants`, results.map((r) => ({
  case: r.case, commits: r.commits, faults: Object.values(r.faults).reduce((s, n) => s + n, 0), lost: r.lost, heads: r.heads,
  "with markers": r.commitsWithMarkers, "sides dropped": r.sidesDropped, "mid-merge": r.midMerge, "wip changed": r.wipChanged,
  quiet: r.quiet ? "yes" : "NO", "agents dead": r.agentsDead, "s to one HEAD": r.toOneHeadS, result: ok(r) ? "pass" : "FAIL",
})));
printTable("Faults injected", results.map((r) => ({ case: r.case, ...r.faults })));
printTable("Hostile input (slixmpp)", results.filter((r) => !r.hostile.skipped).map((r) => ({
  case: r.case, published: r.hostile.published, "chat commands": r.hostile.chats, "repos unchanged": r.hostile.reposUnchanged ? "yes" : "NO",
  "ran from wire": r.hostile.canaryCreated ? "YES" : "no", obeyed: r.hostile.chatCommandsObeyed, agents: r.hostile.agentsAlive,
  "next commit everywhere": r.hostile.nextCommitArrived ? "yes" : "NO", "s": r.hostile.nextCommitSeconds,
})));
for (const r of results) {
  const moved = r.hostile.refsMoved ?? [];
  const kept = moved.filter((m) => m.bookkeeping).length;
  if (kept) console.log(`${r.case}: during the hostile input ${kept} record(s) of peers' branches moved within what HEAD holds (the agents' own bookkeeping)`);
  for (const m of moved.filter((m) => !m.bookkeeping)) console.log(`${r.case}: during the hostile input ${m.clone} ${m.ref} moved ${m.was ?? "(none)"} -> ${m.now ?? "(gone)"}`);
}
const out = resolve(a.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ seed, quick: a.quick, options: opts, date: new Date().toISOString(), passed: results.every(ok), cases: results }, null, 2));
console.log(`\nwrote ${out}`);
process.exit(results.every(ok) ? 0 : 1);
