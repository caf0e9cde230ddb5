#!/usr/bin/env node
// @ts-check
// The merge fuzzer (packages/testkit/src/merge-fuzz): random histories on two or three clones,
// each synced by Herald's own merge, checked after every merge. Runs the built packages.
//
//   npm run fuzz-merge -- --seed 7 --cases 2000     cases 0..1999 of seed 7
//   npm run fuzz-merge -- --seed 7 --case 1234      replay one case (its repositories are kept on failure)
//   npm run fuzz-merge -- --seed 7 --from 600 --cases 2000   go on from case 600 (a stopped run's progress line says where)
//   options: --jobs N (cases at once; default 2, one per core)
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runMergeFuzz } from "../../packages/testkit/dist/index.js";
import { advanceHead } from "../../packages/agent/dist/git/advance-head.js";
import { mergeHeads, userFrontier } from "../../packages/agent/dist/git/merge-heads.js";
import { GitRepo } from "../../packages/agent/dist/git/repo.js";

const { values: a } = parseArgs({ options: {
  seed: { type: "string", default: "1" }, cases: { type: "string", default: "200" }, case: { type: "string" },
  jobs: { type: "string", default: "2" }, from: { type: "string", default: "0" },
} });
/** @param {string | undefined} v @param {string} name */
const whole = (v, name) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${v}`);
  return n;
};

/** Herald's merge as the agent runs it (sync/merger.ts): the heads' user frontier, folded; the branch moved by advanceHead. */
/** @type {import("../../packages/testkit/dist/index.js").FuzzEngine} */
const engine = {
  async open(dir) {
    const repo = new GitRepo(dir, join(dir, ".git")); // what GitRepo.open finds, without its two git calls
    await mkdir(join(repo.gitDir, "herald"), { recursive: true });
    return {
      async merge(heads) {
        const independent = await repo.independent(heads);
        const frontier = independent.length === 1 ? independent : await userFrontier(repo, independent);
        return frontier.length === 1 ? frontier[0] ?? "" : (await mergeHeads(repo, frontier)).commit;
      },
      advance: (from, to) => advanceHead(repo, "refs/heads/main", from, to),
      close: () => repo.close(),
    };
  },
};

const seed = whole(a.seed, "seed");
// A long run stopped by a signal says where to go on from (--from), so no case is skipped.
let below = whole(a.from, "from");
for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(sig, () => {
  console.log(`stopped (${sig}): every case of seed ${seed} from ${a.from} below ${below} ran; go on with --from ${below}`);
  process.exit(130);
});
const report = await runMergeFuzz({
  seed, cases: whole(a.cases, "cases"), from: whole(a.from, "from"), ...(a.case !== undefined ? { only: whole(a.case, "case") } : {}),
  jobs: whole(a.jobs, "jobs"), engine, log: (l) => console.log(l), progress: (b) => { below = b; },
});
const per = report.cases ? Math.round(report.ms / report.cases) : 0;
const range = a.case !== undefined ? `case ${a.case}` : `every one from ${a.from} below ${report.below}`;
console.log(`seed ${seed}: ${report.cases} case(s) (${range}), ${report.merges} merges checked (${report.conflicted} with conflicts, ${report.crissCross} criss-cross), ${report.failures.length} failed, ${(report.ms / 1000).toFixed(1)} s (${per} ms a case)`);
for (const f of report.failures) console.log(`  case ${f.k}: ${f.replay}  (kept: ${f.dir})`);
process.exit(report.failures.length ? 1 : 0);
