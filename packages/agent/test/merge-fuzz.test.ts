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
// A case is about a hundred git processes, some 3 s of CPU on this machine (a git process costs
// 14 ms here); beside the suite's other shard that is about 3 s a case, so CASES keeps this test
// near a minute. `npm run fuzz-merge -- --seed N --cases M` runs as many as wanted.
const CASES = 20;

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

test(`merge fuzzer, seed ${SEED}: ${CASES} random histories merged alike on every clone, nothing lost`, async () => {
  const lines: string[] = [];
  const report = await runMergeFuzz({ seed: SEED, cases: CASES, jobs: 2, engine, log: (l) => lines.push(l) });
  if (report.failures.length) console.log(lines.join("\n"));
  expect(report.failures.map((f) => `case ${f.k} (${f.replay}; kept in ${f.dir}): ${f.problems.join("; ")}`)).toEqual([]);
  expect(report.merges).toBeGreaterThan(CASES / 2);
}, 600_000);
