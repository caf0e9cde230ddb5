// Herald's background reads take no optional lock: `git status` run by the agent does not
// refresh the index (which takes index.lock and rewrites .git/index). A SIGKILL in the middle of
// such a refresh used to leave a stale index.lock, and every git command of the user then failed.
import { commitFile, makeSandbox, type Sandbox } from "@herald/testkit";
import { stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { blockingFiles } from "../src/sync/blocking-files.js";

describe("git run by Herald", () => {
  let sb: Sandbox;
  afterEach(() => sb?.cleanup());

  it("leaves the index alone when a status finds it stale", async () => {
    sb = await makeSandbox(["a"], []);
    const dir = sb.clones.a!;
    const from = await commitFile(dir, "f.txt", "one\n");
    const to = await commitFile(dir, "g.txt", "two\n");
    // Same content, new times: the index's stat data for f.txt is stale, so a plain `git status`
    // would refresh it and write .git/index (under index.lock).
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, "f.txt"), later, later);
    const before = await stat(join(dir, ".git", "index"));
    const repo = await GitRepo.open(dir);
    try {
      await repo.run(["status", "--porcelain"]);
      await blockingFiles(repo, from, to);
    } finally { repo.close(); }
    const after = await stat(join(dir, ".git", "index"));
    expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: before.ino, mtime: before.mtimeMs });
  });
});
