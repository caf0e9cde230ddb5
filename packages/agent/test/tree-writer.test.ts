// A merge step's edits are written through one `git mktree --batch` (git/tree-writer.ts) where
// they went through a private index (read-tree, update-index --index-info, write-tree). The tree
// must be the one the index makes, for every edit a merge step makes and for the odd ones: a file
// added where a directory is, below a file, a directory emptied, a path removed that is none.
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { applyEdits } from "../src/git/merge-two.js";
import { TreeReader } from "../src/git/tree-reader.js";
import { TreeWriter } from "../src/git/tree-writer.js";
import type { IndexEdit } from "../src/git/keep-both.js";

let dir: string;
let repo: GitRepo;
let base: string;
const blobs: string[] = [];
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" } });
const put = async (p: string, body: string) => { await mkdir(join(dir, p, ".."), { recursive: true }); await writeFile(join(dir, p), body); };
const PATHS = ["a.txt", "d/x", "d/y", "d/e/f", "d/e/g", "only/one", "new\nline", "naïve/日本語.md", "sub"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "herald-tree-writer-"));
  git("init", "-q", "-b", "main");
  for (const p of PATHS.filter((p) => p !== "sub")) await put(p, `${p}\n`);
  await symlink("a.txt", join(dir, "link"));
  git("add", "-A");
  git("update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},sub`);
  git("commit", "-q", "-m", "c");
  base = git("rev-parse", "HEAD^{tree}").trim();
  await mkdir(join(dir, ".git", "herald")); // where the index path keeps its private index (the agent makes it)
  for (const b of ["one\n", "two\n", "three\n"]) blobs.push(execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: dir, input: b, encoding: "utf8" }).trim());
  repo = new GitRepo(dir, join(dir, ".git"));
});

afterAll(async () => {
  repo?.close();
  await rm(dir, { recursive: true, force: true });
});

async function both(edits: IndexEdit[]): Promise<[string, string]> {
  const trees = new TreeReader((oid) => repo.object(oid));
  const writer = new TreeWriter(dir, (t) => trees.list(t));
  try {
    return [await writer.apply(base, edits), await applyEdits(repo, base, edits)];
  } finally {
    writer.close();
  }
}

const add = (path: string, oid = blobs[0]!, mode = "100644"): IndexEdit => ({ op: "add", path, mode, oid });
const remove = (path: string): IndexEdit => ({ op: "remove", path });

// Functions: the blobs are written in beforeAll, after the table is read.
test.each<[string, () => IndexEdit[]]>([
  ["a merge step's keep-both: the path removed, both variants added", () => [remove("d/e/f"), add("d/e/f.~c1", blobs[0]), add("d/e/f.~c2", blobs[1])]],
  ["a file replaced in place, and a mode", () => [add("a.txt", blobs[2]), add("d/y", blobs[1], "100755")]],
  ["a new directory, deep", () => [add("n/e/w/file")]],
  ["a file added where a directory is (the directory goes)", () => [add("d/e")]],
  ["a file added below a file (the file goes)", () => [add("a.txt/inner")]],
  ["a directory emptied (it goes)", () => [remove("only/one")]],
  ["every file removed (the empty tree)", () => PATHS.concat("link").map(remove)],
  ["a path removed that is a directory, or nothing, or below a file", () => [remove("d"), remove("nope/x"), remove("a.txt/x")]],
  ["a symlink and a gitlink kept as variants", () => [remove("link"), add("link.~c1", blobs[0], "120000"), remove("sub"), add("sub.~c2", "2".repeat(40), "160000")]],
  ["names with a newline and non-ASCII", () => [add("new\nline", blobs[1]), add("naïve/日本語.~c1.md", blobs[2])]],
  ["added then removed, removed then added", () => [add("t/u"), remove("t/u"), remove("d/x"), add("d/x", blobs[2])]],
])("%s: the tree the index makes", async (_what, edits) => {
  const [written, indexed] = await both(edits());
  expect(written).toBe(indexed);
});

test("random edit sequences give the index's tree", async () => {
  // A small seeded generator: paths from a few names, so files and directories collide often.
  let seed = 2026;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const names = ["a.txt", "d", "e", "f", "x", "y", "only", "one"];
  for (let round = 0; round < 60; round++) {
    const edits: IndexEdit[] = [];
    for (let i = 0, n = 1 + rnd(6); i < n; i++) {
      const path = Array.from({ length: 1 + rnd(3) }, () => names[rnd(names.length)]).join("/");
      edits.push(rnd(3) === 0 ? remove(path) : add(path, blobs[rnd(blobs.length)], rnd(4) === 0 ? "100755" : "100644"));
    }
    const [written, indexed] = await both(edits);
    expect({ edits, tree: written }).toEqual({ edits, tree: indexed });
  }
});

test("an object that is not there fails the writer; the merge then gets git's own error from the index", async () => {
  const trees = new TreeReader((oid) => repo.object(oid));
  const writer = new TreeWriter(dir, (t) => trees.list(t));
  const missing = add("m", "3".repeat(40));
  await expect(writer.apply(base, [missing])).rejects.toThrow(/mktree/);
  await expect(writer.apply(base, [add("ok")])).rejects.toThrow(/mktree/); // stays failed for the fold
  writer.close();
  await expect(applyEdits(repo, base, [missing])).rejects.toThrow();
});
