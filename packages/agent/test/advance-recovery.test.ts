// advanceHead moves between Herald's merges with `read-tree -m -u` and then moves the branch
// (`update-ref`), as reset does, index first. An agent killed between the two leaves the index and
// the work tree at the target while HEAD is still where it was; the next start must put the clone
// back at HEAD, and leave what the user had staged staged.
import { git, head, type Sandbox } from "@herald/testkit";
import { spawnSync } from "node:child_process";
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { recoverInterruptedAdvance } from "../src/git/advance-recovery.js";
import { oneCommitAhead } from "./fixtures.js";

const exists = (p: string) => access(p).then(() => true, () => false);

describe("the start after an agent killed while it moved the work tree", () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it("killed between read-tree and the branch's move: back at HEAD, the user's staged file still staged", async () => {
    let a: string, from: string, to: string;
    ({ sb, a, from, to } = await oneCommitAhead());
    await writeFile(join(a, "mine.txt"), "the user's\n");
    await git(a, "add", "mine.txt");
    const gitDir = join(a, ".git");
    await mkdir(join(gitDir, "herald"), { recursive: true });
    const dead = spawnSync("true").pid!; // a pid whose process has ended
    await writeFile(join(gitDir, "herald", "advance.json"), JSON.stringify({ from, to, branch: "refs/heads/main", pid: dead }));
    expect(spawnSync("git", ["-C", a, "read-tree", "-m", "-u", from, to]).status).toBe(0);
    expect(await exists(join(a, "new.txt"))).toBe(true); // the work tree is at `to`, HEAD at `from`

    expect(await recoverInterruptedAdvance(await GitRepo.open(a))).toBe("recovered");

    expect(await head(a)).toBe(from);
    expect(await git(a, "status", "--porcelain")).toBe("A  mine.txt\n");
    expect(await exists(join(a, "new.txt"))).toBe(false);
  });
});
