// A fast-forward of what a push or fetch just brought in runs no `git maintenance run --auto`:
// receive-pack and fetch ran it a moment before, and a second run per clone per commit was a
// tenth of the git work on a star of ten (npm run bench). GIT_TRACE names every git command run.
import { git, head, type Sandbox } from "@herald/testkit";
import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";
import { oneCommitAhead } from "./fixtures.js";

describe("advanceHead's fast-forward", () => {
  let sb: Sandbox;
  const saved = process.env.GIT_TRACE;
  afterEach(async () => {
    if (saved === undefined) delete process.env.GIT_TRACE;
    else process.env.GIT_TRACE = saved;
    await sb?.cleanup();
  });

  it("moves the branch and the work tree, and leaves housekeeping to receive-pack and fetch", async () => {
    let a: string, from: string, to: string;
    ({ sb, a, from, to } = await oneCommitAhead());
    const trace = join(sb.root, "git-trace.log");
    process.env.GIT_TRACE = trace;

    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to, true)).toBe("advanced");

    delete process.env.GIT_TRACE;
    expect(await head(a)).toBe(to);
    expect(await readFile(join(a, "new.txt"), "utf8")).toBe("new\n");
    const commands = (await readFile(trace, "utf8")).split("\n").filter((l) => l.includes("trace: built-in: git"));
    expect(commands.some((l) => l.includes("merge --ff-only"))).toBe(true);
    expect(commands.filter((l) => /maintenance|\bgc\b/.test(l))).toEqual([]);
  });

  // Another git holding index.lock (the user's) makes the move wait for the next pass, and its
  // lock is left as it was.
  it("answers busy while another git holds index.lock, and touches nothing", async () => {
    let a: string, from: string, to: string;
    ({ sb, a, from, to } = await oneCommitAhead());
    await writeFile(join(a, ".git", "index.lock"), "the user's git\n");

    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to, true)).toBe("busy");

    expect(await head(a)).toBe(from);
    expect(await readFile(join(a, ".git", "index.lock"), "utf8")).toBe("the user's git\n");
    expect(await access(join(a, "new.txt")).then(() => true, () => false)).toBe(false);
  });
});

