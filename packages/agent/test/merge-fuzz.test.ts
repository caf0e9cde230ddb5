// The merge fuzzer's CI seed (npm run fuzz-merge; packages/testkit/src/merge-fuzz): random
// histories on two or three clones, each synced by Herald's merge as the agent runs it, every
// merge checked (one commit on every clone, no markers neither side wrote, nothing a side wrote
// lost, variants exactly a side's version, clean work trees). A failure names the case, its
// replay command and the directory its repositories are kept in.
import { runMergeFuzz, type FuzzEngine } from "@herald/testkit";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { advanceHead } from "../src/git/advance-head.js";
import { mergeHeads, userFrontier } from "../src/git/merge-heads.js";
import { GitRepo } from "../src/git/repo.js";

const SEED = 1;
// A case is about a hundred git processes, some 2.5 s of CPU on this machine (a git process costs
// 14 ms of it here): 20-40 cases a minute beside the suite's other shard, a handful when other
// work loads the machine. The cases run in order and stop starting after BUDGET_MS, so the test
// keeps to about a minute however loaded the machine is; each case passes or fails the same way
// every time. `npm run fuzz-merge -- --seed N --cases M` runs as many as wanted.
const CASES = 200;
const BUDGET_MS = 60_000;

/** Herald's merge as the agent runs it (sync/merger.ts): the heads' user frontier, folded; the branch moved by advanceHead. */
const engine: FuzzEngine = {
  async open(dir) {
    const repo = new GitRepo(dir, join(dir, ".git"));
    await mkdir(join(repo.gitDir, "herald"), { recursive: true });
    return {
      async merge(heads) {
        const independent = await repo.independent(heads);
        const frontier = independent.length === 1 ? independent : await userFrontier(repo, independent);
        return frontier.length === 1 ? frontier[0]! : (await mergeHeads(repo, frontier)).commit;
      },
      advance: (from, to) => advanceHead(repo, "refs/heads/main", from, to),
      close: () => repo.close(),
    };
  },
};

// Cases of other seeds that found a bug, replayed on every run: each failed before its fix (the
// last two were bugs of the fuzzer's own checks, which blamed Herald for git's clean merge and
// for a person's merge).
const FOUND: Array<[number, number, string]> = [
  [2026, 114, "a criss-cross dropped a mode change against a delete (git/merge-two.ts)"],
  [2026, 419, "a criss-cross dropped a kept line, the other side's version taking the renamed path"],
  [2026, 524, "a criss-cross dropped a changed line inside a line merge of a renamed file"],
  [2026, 1728, "merge-tree wrote a null submodule pointer, which no index can hold (the merge failed)"],
  [2026, 3192, "a variant was named as a variant file a side had kept from an earlier conflict and edited, and wrote over the edits (git/keep-both.ts variantName)"],
  [2026, 6489, "a mode change against a new file written over the path is git's clean merge, not a lost mode (merge-fuzz/checks.ts)"],
  [2026, 7379, "a person's own merge left a submodule unmapped; git submodule status failing on it is not Herald's (merge-fuzz/fuzz.ts)"],
];

test.each(FOUND)("merge fuzzer, seed %i case %i: %s", async (seed, k) => {
  const lines: string[] = [];
  const report = await runMergeFuzz({ seed, cases: k + 1, only: k, engine, log: (l) => lines.push(l) });
  expect(report.failures.map((f) => `${f.problems.join("; ")} (kept in ${f.dir})`)).toEqual([]);
  expect(report.cases).toBe(1);
  expect(report.merges).toBeGreaterThan(0);
}, 120_000);

test(`merge fuzzer, seed ${SEED}: up to ${CASES} random histories (a minute of them) merged alike on every clone, nothing lost`, async () => {
  const lines: string[] = [];
  const report = await runMergeFuzz({ seed: SEED, cases: CASES, jobs: 2, budgetMs: BUDGET_MS, engine, log: (l) => lines.push(l) });
  if (report.failures.length) console.log(lines.join("\n"));
  expect(report.failures.map((f) => `case ${f.k} (${f.replay}; kept in ${f.dir}): ${f.problems.join("; ")}`)).toEqual([]);
  console.log(`merge fuzzer, seed ${SEED}: ${report.cases} cases in ${report.ms} ms, ${report.merges} merges checked (${report.conflicted} with conflicts, ${report.crissCross} criss-cross)`);
  expect(report.cases).toBeGreaterThanOrEqual(2);
  expect(report.merges).toBeGreaterThan(0);
}, 600_000);
