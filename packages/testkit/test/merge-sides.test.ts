// The chaos suite's "sides dropped" check against real git: the criss-cross it first misread
// (chaos seed 16, ring 5), a merge that really drops a side, and one that keeps both as variants.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { droppedSides } from "../src/merge-sides.js";

const ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.org" };
let dir = "";
const git = (args: string[], input?: string) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: ENV, input }).trim();
const blob = (body: string) => git(["hash-object", "-w", "--stdin"], body);
/** A commit of `files` (path → body) with `parents`. */
const commit = (files: Record<string, string>, parents: string[], message: string) => {
  const tree = git(["mktree"], Object.entries(files).map(([p, b]) => `100644 blob ${blob(b)}\t${p}\n`).join(""));
  return git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message]);
};
const tip = (c: string) => git(["update-ref", "refs/heads/main", c]);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "herald-merge-sides-"));
  git(["init", "-q", "-b", "main"]);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Two bases that changed f apart, merged twice (two commits, as two clones' folds make them),
 * each keeping x at f and y beside it; then a user writes z over x on one side. */
function crissCross() {
  const o = commit({ f: "o\n" }, [], "o");
  const b1 = commit({ f: "x\n" }, [o], "b1");
  const b2 = commit({ f: "y\n" }, [o], "b2");
  const both = { f: "x\n", "f.variant-1": "y\n" };
  const m1 = commit(both, [b1, b2], "merge one");
  const m2 = commit(both, [b2, b1], "merge two");
  const p1 = commit({ ...both, f: "z\n" }, [m1], "user writes z over x");
  return { p1, p2: m2 };
}

describe("droppedSides", () => {
  it("does not count a base's version that one side's user wrote over (a criss-cross)", async () => {
    const { p1, p2 } = crissCross();
    // Two for each merge of the bases (x and y, both kept); then merge-tree reports x (p2's,
    // from base b1) and z as the sides of f, and the merge takes z.
    tip(commit({ f: "z\n", "f.variant-1": "y\n" }, [p1, p2], "herald: merge"));
    expect(await droppedSides(dir)).toEqual({ checked: 6, dropped: 0, examples: [] });
  });

  it("counts the side a merge loses", async () => {
    const { p1, p2 } = crissCross();
    const m = commit({ f: "x\n", "f.variant-1": "y\n" }, [p1, p2], "a merge that loses z");
    tip(m);
    expect(await droppedSides(dir)).toEqual({ checked: 6, dropped: 1, examples: [`${m.slice(0, 10)} f`] });
  });

  it("counts nothing where a plain conflict keeps both sides, and one where it keeps only one", async () => {
    const o = commit({ f: "o\n" }, [], "o");
    const a = commit({ f: "a\n" }, [o], "a");
    const b = commit({ f: "b\n" }, [o], "b");
    tip(commit({ f: "a\n", "f.variant-2": "b\n" }, [a, b], "keeps both"));
    expect(await droppedSides(dir)).toMatchObject({ checked: 2, dropped: 0 });
    tip(commit({ f: "a\n" }, [a, b], "keeps one"));
    expect(await droppedSides(dir)).toMatchObject({ checked: 2, dropped: 1 });
  });
});
