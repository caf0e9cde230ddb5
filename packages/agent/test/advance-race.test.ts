// Found by the chaos run (npm run chaos): a user's commit made while Herald moves the branch from
// one of its merges to an equivalent one (the `read-tree -m -u` path of advanceHead, `reset --keep` until it unstaged the user's adds) must end on
// the branch, with its files. The commits are made by a git wrapper just before read-tree runs (the
// moment after Herald's last look at HEAD that a busy clone hits now and then) and just after.
import { git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";
import { installGitWrapper } from "./fixtures.js";
import { startOne } from "./helpers.js";

const gitOk = async (dir: string, ...args: string[]) => spawnSync("git", ["-C", dir, ...args]).status === 0;

const HERALD = ["-c", "user.name=Herald", "-c", "user.email=herald@localhost"];

describe("advanceHead and a commit made just before its reset", () => {
  let sb: Sandbox;
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await restore?.();
    await sb?.cleanup();
  });

  /** b's branch at `from`, one of two equivalent Herald merges of x and y; `to` the other. */
  async function twoMerges() {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    const base = await head(a);
    await git(a, "checkout", "-q", "-b", "x");
    await writeFile(join(a, "x.txt"), "x\n");
    await git(a, "add", "x.txt");
    await git(a, "commit", "-qm", "x");
    await git(a, "checkout", "-q", "-b", "y", base);
    await writeFile(join(a, "y.txt"), "y\n");
    await git(a, "add", "y.txt");
    await git(a, "commit", "-qm", "y");
    // Two equivalent Herald merges of x and y (same tree, different commits), as two nodes make.
    const tree = (await git(a, "write-tree")).trim(); // y's tree; any tree will do for the ref dance
    const merge = async (msg: string) => (await git(a, ...HERALD, "commit-tree", tree, "-p", "x", "-p", "y", "-m", msg)).trim();
    const from = await merge("herald: merge one");
    const to = await merge("herald: merge two");
    await git(a, "checkout", "-q", "main");
    await git(a, "reset", "-q", "--hard", from);
    return { a, from, to };
  }

  /** Shell for the git wrapper: once (a marker file), when git runs `cmd`, the user commits `file`. */
  function userCommitsBefore(a: string, cmd: string, file: string): string {
    const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    const marker = join(sb.root, `before-${cmd}`);
    writeFileSync(marker, "");
    return `if [ "$1" = ${cmd} ] && [ -e '${marker}' ]; then rm '${marker}'; echo mine > '${a}/${file}'; '${real}' -C '${a}' add ${file}; '${real}' -C '${a}' -c user.name=U -c user.email=u@example.org commit -qm 'the user: ${file}'; fi`;
  }

  it("keeps the user's commit for the next merge, which brings it back with its files", async () => {
    const { a, from, to } = await twoMerges();
    ({ restore } = await installGitWrapper(userCommitsBefore(a, "read-tree", "user.txt")));
    const outcome = await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to);
    await restore!();
    restore = undefined;
    expect(outcome).toBe("stepped-over");
    expect(await head(a)).toBe(to);
    const kept = (await git(a, "for-each-ref", "--format=%(refname) %(objectname)", "refs/herald/kept/")).trim().split(" ");
    expect((await git(a, "log", "-1", "--format=%s", kept[1]!)).trim()).toBe("the user: user.txt");
    expect((await git(a, "rev-parse", `${kept[1]}^`)).trim()).toBe(from);
    expect(kept[0]).toBe(`refs/herald/kept/${kept[1]}`);
    await mergedBack(a, [kept[1]!], ["user.txt"]);
  });

  // The chaos run lost a commit here: the old code moved the branch back to the stepped-over commit
  // with a second reset, and a commit the user made on top of the first reset left the branch.
  it("keeps both when the user commits again right after the reset", async () => {
    const { a, from, to } = await twoMerges();
    ({ restore } = await installGitWrapper(`${userCommitsBefore(a, "read-tree", "user.txt")}\n${userCommitsBefore(a, "reflog", "user2.txt")}`));
    const outcome = await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to);
    await restore!();
    restore = undefined;
    expect(outcome).toBe("stepped-over");
    const second = await head(a);
    expect((await git(a, "rev-parse", `${second}^`)).trim()).toBe(to);
    const first = (await git(a, "for-each-ref", "--format=%(objectname)", "refs/herald/kept/")).trim();
    expect((await git(a, "log", "-1", "--format=%s", first)).trim()).toBe("the user: user.txt");
    await mergedBack(a, [first, second], ["user.txt", "user2.txt"]);
  });

  /** An agent on `a` merges the kept commit in: every one of `commits` on the branch, the files
   * in the work tree, nothing left over (no kept ref, a clean status). */
  async function mergedBack(a: string, commits: string[], files: string[]): Promise<void> {
    const r = await startOne(a);
    try {
      const holds = async () => (await Promise.all(commits.map((c) => gitOk(a, "merge-base", "--is-ancestor", c, "HEAD")))).every(Boolean);
      await waitFor(holds, 20_000, "the kept commits to be merged back");
      await r.agent.idle();
      for (const f of files) expect(await readFile(join(a, f), "utf8")).toBe("mine\n");
      expect(await git(a, "for-each-ref", "refs/herald/kept/")).toBe("");
      expect(await git(a, "status", "--porcelain")).toBe("");
    } finally {
      await r.agent.stop();
    }
  }
});
