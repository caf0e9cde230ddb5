// Found by the storm bench (ring 8 with XMPP, about one run in eight): `git commit` reads the index
// before it takes index.lock, so a commit that began just before Herald moved the branch wrote back
// the index from before the move, then failed on HEAD. The clone was left with the move's new
// files untracked and its changed files modified, and every later merge stopped at them; the
// user's next commit would have undone the move. The agent makes the move again in the index.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { copyFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { redoUndoneMove } from "../src/git/stale-index.js";
import { startOne, stopAll, type Running } from "./helpers.js";

describe("an index written back from before Herald's move", () => {
  let sb: Sandbox;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  /** a at `from` with mine.txt staged by its user; b one commit ahead (a new file, an edit, a removal). */
  async function setUp(): Promise<{ a: string; b: string; from: string }> {
    sb = await makeSandbox(["a", "b"], [["a", "b"]]);
    const { a, b } = sb.clones as Record<"a" | "b", string>;
    await commitFile(b, "gone.txt", "to be removed\n");
    await commitFile(b, "edit.txt", "one\n");
    await git(a, "pull", "-q", "--ff-only", b, "main");
    const from = await head(a);
    await writeFile(join(b, "new.txt"), "new\n");
    await writeFile(join(b, "edit.txt"), "two\n");
    await git(b, "rm", "-q", "gone.txt");
    await git(b, "add", "new.txt", "edit.txt");
    await git(b, "commit", "-qm", "b's work");
    await writeFile(join(a, "mine.txt"), "the user's\n");
    await git(a, "add", "mine.txt");
    return { a, b, from };
  }

  /** What `git commit` does with the index it read: write it to index.lock, rename it over the index. */
  async function writeBack(a: string, saved: string): Promise<void> {
    await copyFile(saved, join(a, ".git", "index.lock"));
    await rename(join(a, ".git", "index.lock"), join(a, ".git", "index"));
  }

  it("the agent makes its move again in the index, and what the user staged stays staged", async () => {
    const { a, b } = await setUp();
    const saved = join(sb.root, "index-read-by-the-commit");
    await copyFile(join(a, ".git", "index"), saved);
    agents.push(await startOne(a));
    const to = await head(b);
    await git(b, "push", "-q", a, `main:refs/remotes/b/main`);
    await waitFor(async () => (await head(a)) === to, 20_000, "a at b's commit");
    await writeBack(a, saved);
    // The commit's own view: the move undone in the index.
    expect(await git(a, "status", "--porcelain")).not.toBe("A  mine.txt\n");
    await waitFor(async () => (await git(a, "status", "--porcelain")) === "A  mine.txt\n", 20_000, "the index at b's commit, with mine.txt staged");
    expect(agents[0]!.records.filter((r) => r.event === "index-restored").map((r) => r.to)).toEqual([to]);
    await git(a, "-c", "user.name=U", "-c", "user.email=u@example.org", "commit", "-qm", "the user's commit");
    expect((await git(a, "diff", "--name-status", to, "HEAD")).trim()).toBe("A\tmine.txt");
  });

  it("leaves an index the user changed on purpose after the move", async () => {
    const { a, b, from } = await setUp();
    await git(a, "pull", "-q", "--ff-only", b, "main");
    const to = await head(a);
    await git(a, "rm", "-q", "--cached", "new.txt"); // untracks one file the move brought
    const before = await git(a, "status", "--porcelain");
    expect(await redoUndoneMove(await GitRepo.open(a), from, to)).toBe("fine");
    expect(await git(a, "status", "--porcelain")).toBe(before);
  });

  it("makes the move again only while HEAD is where it left it", async () => {
    const { a, b, from } = await setUp();
    const saved = join(sb.root, "index-read-by-the-commit");
    await copyFile(join(a, ".git", "index"), saved);
    await git(a, "pull", "-q", "--ff-only", b, "main");
    const to = await head(a);
    await writeBack(a, saved);
    const repo = await GitRepo.open(a);
    expect(await redoUndoneMove(repo, from, "f".repeat(40))).toBe("moved-on");
    expect(await redoUndoneMove(repo, from, to)).toBe("redone");
    expect(await git(a, "status", "--porcelain")).toBe("A  mine.txt\n");
  });
});
