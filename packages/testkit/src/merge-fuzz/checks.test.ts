import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkMerge, Reader, unmappedGitlinks } from "./checks.js";

const git = (dir: string, ...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.org" } }).trim();

/** Two sides from one base holding `path` (`id 1`) and `others`: on `one` the path made
 * executable, on `two` written anew (a new file, `id 2`: the fuzzer's file made a directory and
 * back). `merge(mode)`: a merge holding only two's file with that mode; `gitMerge`: git's own. */
async function sides(dir: string, path = "f.sh", others: Record<string, string> = {}) {
  git(dir, "init", "-q", "-b", "main");
  for (const [p, body] of Object.entries({ [path]: "id 1\nl1 alpha\n", ...others })) await writeFile(join(dir, p), body);
  git(dir, "add", "."); git(dir, "commit", "-q", "-m", "base");
  const base = git(dir, "rev-parse", "HEAD");
  await chmod(join(dir, path), 0o755);
  git(dir, "commit", "-q", "-am", "one: +x");
  const one = git(dir, "rev-parse", "HEAD");
  git(dir, "checkout", "-q", base, "--");
  await writeFile(join(dir, path), "id 2\nl2 beta\n");
  git(dir, "commit", "-q", "-am", "two: a new file at the path");
  const two = git(dir, "rev-parse", "HEAD");
  const blob = git(dir, "rev-parse", `${two}:${path}`);
  const commit = (tree: string) => git(dir, "commit-tree", tree, "-p", one, "-p", two, "-m", "merge");
  const merge = (mode: string) => commit(execFileSync("git", ["-C", dir, "mktree"], { input: `${mode} blob ${blob}\t${path}\n`, encoding: "utf8" }).trim());
  const mergeTree = git(dir, "merge-tree", "--write-tree", one, two);
  return { merge, mergeTree, gitMerge: commit(mergeTree) };
}

describe("checkMerge: modes", () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "herald-checks-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  const problems = async (sha: string) => {
    const rd = new Reader(dir);
    try { return (await checkMerge(rd, await rd.commit(sha), { pathKeepsAVersion: true })).problems; } finally { rd.close(); }
  };

  it("accepts git's clean merge of a mode change on one side and a new file over the path on the other", async () => {
    const { merge, mergeTree } = await sides(dir);
    expect(git(dir, "ls-tree", mergeTree)).toMatch(/^100755 blob /); // git's own merge: the new file, executable
    expect(await problems(merge("100755"))).toEqual([]);
  });

  it("accepts it where the file given the mode lives on at another path too (a conflict's version kept at its name)", async () => {
    const { mergeTree, gitMerge } = await sides(dir, "f.variant-1234abcd", { f: "id 1\nl3 gamma\n" });
    expect(git(dir, "ls-tree", mergeTree, "f.variant-1234abcd")).toMatch(/^100755 blob /);
    expect(await problems(gitMerge)).toEqual([]);
  });

  it("finds the mode lost when the merge drops it", async () => {
    const { merge } = await sides(dir);
    expect(await problems(merge("100644"))).toEqual([expect.stringMatching(/^parent 1 \(\w+\): mode 100755 it gave "f.sh" \(id 1\) is lost$/)]);
  });
});

describe("unmappedGitlinks", () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "herald-checks-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it("names the gitlinks .gitmodules maps to no submodule, as git submodule status finds them", async () => {
    git(dir, "init", "-q");
    const modules = '[submodule "sub"]\n\tpath = sub\n\turl = https://example.org/sub.git\n[submodule "x y"]\n\tpath = "x y"\n';
    const blob = execFileSync("git", ["-C", dir, "hash-object", "-w", "--stdin"], { input: modules, encoding: "utf8" }).trim();
    const gitlink = (p: string) => `160000 commit ${"1".repeat(40)}\t${p}`;
    const tree = execFileSync("git", ["-C", dir, "mktree"], { input: [`100644 blob ${blob}\t.gitmodules`, gitlink("sub"), gitlink("x y"), gitlink("other")].join("\n") + "\n", encoding: "utf8" }).trim();
    const rd = new Reader(dir);
    try {
      const t = await rd.tree(git(dir, "commit-tree", tree, "-m", "c"));
      await rd.load([t]);
      expect(unmappedGitlinks(rd, t)).toEqual(["other"]);
    } finally { rd.close(); }
  });
});
