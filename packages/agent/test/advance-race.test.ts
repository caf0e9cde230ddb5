// Found by the chaos run (npm run chaos): a user's commit made while Herald moves the branch from
// one of its merges to an equivalent one (the `git reset --keep` path of advanceHead) must stay
// on the branch, with its files. The commit is made by a git wrapper just before reset runs:
// the moment after Herald's last look at HEAD that a busy clone hits now and then.
import { git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";
import { installGitWrapper } from "./fixtures.js";

const HERALD = ["-c", "user.name=Herald", "-c", "user.email=herald@localhost"];

describe("advanceHead and a commit made just before its reset", () => {
  let sb: Sandbox;
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await restore?.();
    await sb?.cleanup();
  });

  it("keeps the user's commit on the branch and in the work tree", async () => {
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
    // The wrapper: once, right before `git reset`, the user commits a new file.
    const marker = join(sb.root, "commit-before-reset");
    await writeFile(marker, "");
    const real = (await import("node:child_process")).execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    ({ restore } = await installGitWrapper(`if [ "$1" = reset ] && [ -e '${marker}' ]; then rm '${marker}'; echo mine > '${a}/user.txt'; '${real}' -C '${a}' add user.txt; '${real}' -C '${a}' -c user.name=U -c user.email=u@example.org commit -qm 'the user'; fi`));

    const outcome = await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to);
    const now = await head(a);
    expect(outcome).toBe("head-moved");
    expect((await git(a, "log", "-1", "--format=%s", now)).trim()).toBe("the user");
    expect((await git(a, "rev-parse", `${now}^`)).trim()).toBe(from);
    expect(await readFile(join(a, "user.txt"), "utf8")).toBe("mine\n");
    expect(await git(a, "status", "--porcelain")).toBe("");
  });
});
