// Splits the suite into shards of about equal time (run-jest.mjs runs them side by side), by each
// file's seconds in a recent full run (test-times.json: refresh it with HERALD_TEST_TIMES=1 on a
// quiet machine); a file not listed counts as a few seconds. Jest's own --shard splits by a hash
// of the path, which left one shard minutes longer than the other.
import Sequencer from "@jest/test-sequencer";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TIMES = JSON.parse(readFileSync(new URL("./test-times.json", import.meta.url), "utf8"));
const Base = Sequencer.default ?? Sequencer;

export const secondsOf = (path) => TIMES[relative(ROOT, path)] ?? (path.includes("/test/") ? 4 : 1);

export default class BalancedSequencer extends Base {
  shard(tests, { shardIndex, shardCount }) {
    // Longest first, each to the shard with the least so far (LPT): within a file's time of even.
    const sorted = [...tests].sort((a, b) => secondsOf(b.path) - secondsOf(a.path) || (a.path < b.path ? -1 : 1));
    const load = new Array(shardCount).fill(0);
    const mine = [];
    for (const t of sorted) {
      const i = load.indexOf(Math.min(...load));
      load[i] += secondsOf(t.path);
      if (i === shardIndex - 1) mine.push(t);
    }
    return mine;
  }

  // Longest first within a shard too, so no long file starts last.
  sort(tests) {
    return [...tests].sort((a, b) => secondsOf(b.path) - secondsOf(a.path) || (a.path < b.path ? -1 : 1));
  }
}
