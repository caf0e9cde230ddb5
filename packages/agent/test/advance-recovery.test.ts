// advanceHead moves the work tree on a copy of the index under index.lock (racy-index.ts). An agent
// killed in the middle leaves the lock, the copy and its journal; the next start must leave the
// clone as git would: the index of the branch as it stands, nothing staged, no lock.
import { git, head, type Sandbox } from "@herald/testkit";
import { spawnSync } from "node:child_process";
import { access, copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { recoverInterruptedAdvance } from "../src/git/advance-recovery.js";
import { movedIndexCopy } from "../src/git/racy-index.js";
import { oneCommitAhead } from "./fixtures.js";

const exists = (p: string) => access(p).then(() => true, () => false);

describe("the start after an agent killed while it moved the work tree", () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  /** a's branch at `from`; `to` one commit ahead (new.txt); the dead agent's lock, copy and journal. */
  async function killedMove(): Promise<{ a: string; from: string; to: string; gitDir: string; copy: string }> {
    let a: string, from: string, to: string;
    ({ sb, a, from, to } = await oneCommitAhead());
    const gitDir = join(a, ".git"), copy = movedIndexCopy(gitDir);
    await mkdir(join(gitDir, "herald"), { recursive: true });
    await writeFile(join(gitDir, "index.lock"), "");
    await copyFile(join(gitDir, "index"), copy);
    const dead = spawnSync("true").pid!; // a pid whose process has ended
    await writeFile(join(gitDir, "herald", "advance.json"), JSON.stringify({ from, to, branch: "refs/heads/main", pid: dead }));
    return { a, from, to, gitDir, copy };
  }

  it("killed once git had moved the branch: the copy is the branch's index, and it goes in", async () => {
    const { a, to, gitDir, copy } = await killedMove();
    // The user had staged a file; git's move on the copy (the reset, which unstages it) ends, and
    // the agent dies before staging it again and putting the copy in.
    await rm(join(gitDir, "index.lock")); // staged before the move took the lock
    await writeFile(join(a, "mine.txt"), "the user's\n");
    await git(a, "add", "mine.txt");
    await writeFile(join(gitDir, "index.lock"), "");
    await copyFile(join(gitDir, "index"), copy);
    const moved = spawnSync("git", ["-C", a, "reset", "--keep", "-q", to], { env: { ...process.env, GIT_INDEX_FILE: copy } });
    expect(moved.status).toBe(0);
    expect(await head(a)).toBe(to);
    expect(await git(a, "status", "--porcelain")).not.toBe("A  mine.txt\n"); // the real index is still the old branch's

    expect(await recoverInterruptedAdvance(await GitRepo.open(a))).toBe("recovered");
    expect(await git(a, "status", "--porcelain")).toBe("A  mine.txt\n");
    expect(await head(a)).toBe(to);
    expect([await exists(copy), await exists(join(gitDir, "index.lock"))]).toEqual([false, false]);
  });

  it("killed before git moved the branch: the copy goes, and the index stays the branch's", async () => {
    const { a, from, gitDir, copy } = await killedMove();
    expect(await recoverInterruptedAdvance(await GitRepo.open(a))).toBe("recovered");
    expect(await head(a)).toBe(from);
    expect(await git(a, "status", "--porcelain")).toBe("");
    expect([await exists(copy), await exists(join(gitDir, "index.lock"))]).toEqual([false, false]);
  });
});
