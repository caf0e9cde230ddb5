// The merge reads trees through the cat-file process (git/tree-reader.ts) where it ran `git
// ls-tree -r`, `git diff-tree -r --no-renames` and `git rev-parse tree:path`: what it reads must
// be what those print, for every kind of entry and name a merge meets.
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { parseTree, TreeReader } from "../src/git/tree-reader.js";

let dir: string;
let repo: GitRepo;
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" } });
const commitAll = () => { git("add", "-A"); git("commit", "-q", "--allow-empty", "-m", "c"); return git("rev-parse", "HEAD").trim(); };
const put = async (p: string, body: string) => { await mkdir(join(dir, p, ".."), { recursive: true }); await writeFile(join(dir, p), body); };

/** `git ls-tree -r -z --full-tree` as the merge parsed it. */
const lsTree = (t: string) => git("ls-tree", "-r", "-z", "--full-tree", t).split("\0").filter(Boolean).map((rec) => {
  const tab = rec.indexOf("\t");
  const [mode, , oid] = rec.slice(0, tab).split(" ");
  return { mode, oid, path: rec.slice(tab + 1) };
});
/** `git diff-tree -r -z --no-renames`'s added, modified and type-changed entries, path → `mode oid`. */
const diffTree = (a: string, b: string) => {
  const parts = git("diff-tree", "-r", "-z", "--no-renames", a, b, "--").split("\0");
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const m = /^:\d{6} (\d{6}) [0-9a-f]+ ([0-9a-f]+) ([AMT])/.exec(parts[i]!);
    if (m) out.set(parts[i + 1]!, `${m[1]} ${m[2]}`);
  }
  return out;
};

let first: string, second: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "herald-trees-"));
  git("init", "-q", "-b", "main");
  for (const p of ["a.txt", "my dir/read me", "naïve/日本語.md", "-rf", "x\ty", "new\nline", "deep/er/still/f", "gone/g", "flip", "Main"]) await put(p, `${p}\n`);
  await chmod(join(dir, "a.txt"), 0o755);
  await symlink("a.txt", join(dir, "link"));
  await mkdir(join(dir, "sub")); // an empty directory stands for the submodule (git add -A keeps its gitlink)
  git("update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},sub`);
  first = commitAll();
  // Every kind of change diff-tree reports: modified, mode, type (file → link), file → directory,
  // directory → file, a deep edit, a gitlink moved on, added, deleted.
  await put("my dir/read me", "changed\n");
  await chmod(join(dir, "a.txt"), 0o644);
  await rm(join(dir, "Main")); await symlink("nowhere", join(dir, "Main"));
  await rm(join(dir, "flip")); await put("flip/inside", "now a directory\n");
  await rm(join(dir, "gone"), { recursive: true }); await put("gone", "now a file\n");
  await put("deep/er/still/f", "deeper\n");
  await put("added file", "new\n");
  await rm(join(dir, "-rf"));
  git("update-index", "--cacheinfo", `160000,${"2".repeat(40)},sub`);
  second = commitAll();
  repo = new GitRepo(dir, join(dir, ".git"));
});

afterAll(async () => {
  repo?.close();
  await rm(dir, { recursive: true, force: true });
});

const reader = () => new TreeReader((oid) => repo.object(oid));

test("lists a commit's and a tree's entries as git ls-tree -r --full-tree does, in its order", async () => {
  const r = reader();
  for (const c of [first, second]) {
    expect(await r.entries(c)).toEqual(lsTree(c));
    const tree = git("rev-parse", `${c}^{tree}`).trim();
    expect(await r.entries(tree)).toEqual(lsTree(tree));
  }
  expect((await r.entries(first)).map((e) => e.mode).sort()).toEqual(expect.arrayContaining(["100644", "100755", "120000", "160000"]));
});

test("finds what each tree has that the other lacks as git diff-tree -r --no-renames does (added, modified, type changed)", async () => {
  const r = reader();
  const forward = await r.changed(first, second);
  expect(forward).toEqual(diffTree(first, second));
  expect([...forward.keys()].sort()).toEqual(["Main", "a.txt", "added file", "deep/er/still/f", "flip/inside", "gone", "my dir/read me", "sub"]);
  expect(await r.changed(second, first)).toEqual(diffTree(second, first));
  expect((await r.changed(first, first)).size).toBe(0);
});

test("looks a path up as git rev-parse tree:path does, and finds nothing where git finds nothing", async () => {
  const r = reader();
  for (const p of ["a.txt", "my dir/read me", "naïve/日本語.md", "new\nline", "link", "sub", "deep/er", "deep/er/still/f"]) {
    expect((await r.at(first, p))?.oid).toBe(git("rev-parse", `${first}:${p}`).trim());
  }
  for (const p of ["nothing", "a.txt/below", "deep/er/none"]) expect(await r.at(first, p)).toBeNull();
});

test("prints a regular file stored with a mode git does not write (100664) as ls-tree does", async () => {
  const blob = git("rev-parse", `${first}:a.txt`).trim();
  const odd = Buffer.concat([Buffer.from("100664 odd\0"), Buffer.from(blob, "hex"), Buffer.from("100775 odd-x\0"), Buffer.from(blob, "hex")]);
  const tree = execFileSync("git", ["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], { cwd: dir, input: odd, encoding: "utf8" }).trim();
  expect(await reader().entries(tree)).toEqual(lsTree(tree));
  expect((await reader().entries(tree)).map((e) => e.mode)).toEqual(["100644", "100755"]);
});

test("names what is wrong with an object that is not a tree it can read", async () => {
  await expect(reader().entries("3".repeat(40))).rejects.toThrow(/no object 3{40}/);
  const blob = git("rev-parse", `${first}:a.txt`).trim();
  await expect(reader().entries(blob)).rejects.toThrow(/is a blob, not a commit or a tree/);
  expect(() => parseTree(Buffer.from("100644 cut\0abc"), 20)).toThrow(/cut short/);
});
