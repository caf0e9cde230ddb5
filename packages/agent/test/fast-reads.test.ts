// GitRepo's fast reads (ref files, one cat-file process, short ancestry walks) must give git's
// own answers in every state a clone can be in; each case below is compared with git itself.
import { GitRepo } from "@herald/agent";
import { git, commitFile, waitFor } from "@herald/testkit";
import { CatFile } from "../src/git/cat-file.js";
import { pidAlive } from "../src/pid-alive.js";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), "herald-fast-")); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

async function repoWithHistory(): Promise<{ dir: string; repo: GitRepo }> {
  const dir = join(root, "r");
  await git(root, "init", "-q", "-b", "main", dir);
  await commitFile(dir, "a.txt", "1\n");
  return { dir, repo: await GitRepo.open(dir) };
}

/** git's view of refs under a prefix, as the fast reader should give it. */
async function gitRefs(dir: string, prefix: string): Promise<Map<string, string>> {
  const out = await git(dir, "for-each-ref", "--format=%(objectname) %(refname)", prefix);
  return new Map(out.split("\n").filter(Boolean).map((l) => [l.slice(41), l.slice(0, 40)] as [string, string]));
}

describe("refs and HEAD from the files", () => {
  it("matches git through loose, packed, overridden, deleted and symbolic refs", async () => {
    const { dir, repo } = await repoWithHistory();
    const c1 = (await git(dir, "rev-parse", "HEAD")).trim();
    const c2 = await commitFile(dir, "b.txt", "2\n");
    await git(dir, "update-ref", "refs/remotes/n2/main", c1);
    await git(dir, "update-ref", "refs/remotes/n3/main", c2);
    await git(dir, "update-ref", "refs/remotes/deep/feature/x", c1);
    const check = async () => {
      expect(await repo.refs("refs/remotes/")).toEqual(await gitRefs(dir, "refs/remotes/"));
      expect(await repo.head()).toBe((await git(dir, "rev-parse", "HEAD")).trim());
      for (const ref of ["refs/remotes/n2/main", "refs/remotes/nope/main", "refs/heads/main"]) {
        expect(await repo.refs(ref)).toEqual(await gitRefs(dir, ref));
      }
    };
    await check();
    await git(dir, "pack-refs", "--all"); // everything now lives in packed-refs only
    await check();
    await git(dir, "update-ref", "refs/remotes/n2/main", c2); // a loose ref over a packed one
    await check();
    await git(dir, "update-ref", "-d", "refs/remotes/n3/main"); // gone from packed-refs too
    await check();
    await git(dir, "symbolic-ref", "refs/remotes/n2/HEAD", "refs/remotes/n2/main");
    await check();
    const c3 = await commitFile(dir, "c.txt", "3\n"); // the branch, packed before, moves loose
    expect(await repo.head()).toBe(c3);
    await check();
  });

  it("knows the branch, a detached HEAD and an unborn branch", async () => {
    const dir = join(root, "fresh");
    await git(root, "init", "-q", "-b", "trunk", dir);
    const repo = await GitRepo.open(dir);
    expect(await repo.currentBranch()).toBe("refs/heads/trunk");
    expect(await repo.head()).toBeNull();
    expect(await repo.headState()).toEqual({ branch: "refs/heads/trunk", sha: null });
    const c1 = await commitFile(dir, "a.txt", "1\n");
    expect(await repo.head()).toBe(c1);
    expect(await repo.headState()).toEqual({ branch: "refs/heads/trunk", sha: c1 });
    await git(dir, "checkout", "-q", "--detach");
    expect(await repo.currentBranch()).toBeNull();
    expect(await repo.head()).toBe(c1);
    expect(await repo.headState()).toEqual({ branch: null, sha: c1 });
  });

  it("gives git's answers in a linked worktree, where it leaves the reading to git", async () => {
    const { dir } = await repoWithHistory();
    const wt = join(root, "wt");
    await git(dir, "worktree", "add", "-q", "-b", "side", wt);
    const c = await commitFile(wt, "w.txt", "w\n");
    const repo = await GitRepo.open(wt);
    expect(await repo.currentBranch()).toBe("refs/heads/side");
    expect(await repo.head()).toBe(c);
    expect(await repo.headState()).toEqual({ branch: "refs/heads/side", sha: c });
    expect(await repo.refs("refs/heads/")).toEqual(await gitRefs(wt, "refs/heads/"));
  });
});

describe("objects from one cat-file process", () => {
  it("sees commits made after it started, also once they are packed; a blob is not a commit", async () => {
    const { dir, repo } = await repoWithHistory();
    const c1 = (await repo.head())!;
    expect(await repo.hasCommit(c1)).toBe(true);
    const c2 = await commitFile(dir, "b.txt", "2\n");
    expect(await repo.hasCommit(c2)).toBe(true);
    await git(dir, "repack", "-adq");
    await git(dir, "prune-packed");
    const c3 = await commitFile(dir, "c.txt", "3\n");
    expect(await repo.hasCommit(c2)).toBe(true);
    expect(await repo.hasCommit(c3)).toBe(true);
    const blob = (await git(dir, "rev-parse", "HEAD:c.txt")).trim();
    expect(await repo.hasCommit(blob)).toBe(false);
    expect(await repo.hasCommit("0".repeat(40))).toBe(false);
    expect((await repo.commit(c3))?.parents).toEqual([c2]);
    repo.close();
  });

  it("answers many questions at once in order, and refuses anything but an object id", async () => {
    const { dir, repo } = await repoWithHistory();
    const shas = [(await repo.head())!];
    for (let i = 0; i < 20; i++) shas.push(await commitFile(dir, `f${i}`, `${i}\n`));
    const answers = await Promise.all(shas.map((s) => repo.commit(s)));
    answers.forEach((a, i) => expect(a?.parents).toEqual(i === 0 ? [] : [shas[i - 1]]));
    await expect(repo.commit("HEAD")).rejects.toThrow(/not a commit id/);
    await expect(repo.hasCommit(`${shas[0]}\n--batch-all-objects`)).rejects.toThrow(/not a commit id/);
    repo.close();
  });

  it("does not keep Node alive while idle (a CLI command still exits)", async () => {
    const { repo } = await repoWithHistory();
    const processes = () => process.getActiveResourcesInfo().filter((r) => r === "ProcessWrap").length;
    const h = (await repo.head())!;
    await repo.hasCommit(h); // the process is running now, and idle
    const idle = processes();
    const pending = repo.hasCommit(h);
    const busy = processes(); // awaiting an answer: it holds Node
    await pending;
    expect(busy).toBe(idle + 1);
    expect(processes()).toBe(idle);
    repo.close();
  });
});

describe("ancestry", () => {
  it("isAncestor and independent agree with git on every pair of a branching history", async () => {
    const { dir, repo } = await repoWithHistory();
    const base = (await repo.head())!;
    const left = [await commitFile(dir, "l1", "1"), await commitFile(dir, "l2", "2")];
    await git(dir, "checkout", "-q", "-b", "right", base);
    const right = [await commitFile(dir, "r1", "1")];
    await git(dir, "merge", "-q", "--no-edit", "main");
    const merge = (await git(dir, "rev-parse", "HEAD")).trim();
    const all = [base, ...left, ...right, merge];
    for (const a of all) {
      for (const b of all) {
        const code = await git(dir, "merge-base", "--is-ancestor", a, b).then(() => true, () => false);
        expect([a, b, await repo.isAncestor(a, b)]).toEqual([a, b, code]);
        const independent = (await git(dir, "merge-base", "--independent", a, b)).split("\n").filter(Boolean).sort();
        expect((await repo.independent([a, b])).sort()).toEqual(independent);
      }
    }
    repo.close();
  });

  it("falls back to git past a long history (no wrong answer from a cut-short walk)", async () => {
    const { dir, repo } = await repoWithHistory();
    const first = (await repo.head())!;
    // 100 commits in one go (fast-import), more than the walk's limit.
    let stream = "";
    for (let i = 0; i < 100; i++) stream += `commit refs/heads/main\ncommitter T <t@x> ${1700000000 + i} +0000\ndata 2\nc\n${i === 0 ? `from ${first}\n` : ""}\n`;
    execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: stream });
    const tip = (await git(dir, "rev-parse", "main")).trim();
    expect(await repo.reaches(tip, first)).toBeNull();
    expect(await repo.isAncestor(first, tip)).toBe(true);
    expect(await repo.isAncestor(tip, first)).toBe(false);
    expect(await repo.independent([first, tip])).toEqual([tip]);
    repo.close();
  });
});

describe("the cat-file process", () => {
  it("ends when unasked for a while, and the next question starts another", async () => {
    const { dir } = await repoWithHistory();
    const head = (await git(dir, "rev-parse", "HEAD")).trim();
    const objects = new CatFile(dir, 150);
    expect((await objects.read(head))?.type).toBe("commit");
    const first = objects.pid!;
    expect(pidAlive(first)).toBe(true);
    await waitFor(async () => !pidAlive(first), 5_000, "the idle cat-file to exit");
    expect(objects.pid).toBeNull();
    expect((await objects.read(head))?.type).toBe("commit");
    expect(objects.pid).not.toBe(first);
    objects.close();
  });
});
