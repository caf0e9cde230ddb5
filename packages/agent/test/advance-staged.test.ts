// Found by the storm bench (ring 8 with XMPP, about one run in five): a user's `git add` and then
// `git commit`, with Herald moving the branch from one of its merges to an equal one in between.
// `git reset --keep` resets the index entries of the paths both merges agree on (git-reset(1),
// DISCUSSION), so what the user had staged left the index: their commit held neither their edit
// nor their new file, which stayed untracked. The move must leave what was staged staged.
import { git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";

const HERALD = ["-c", "user.name=Herald", "-c", "user.email=herald@localhost"];

describe("advanceHead between two of Herald's merges and what the user has staged", () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  /** a's branch at `from`, a Herald merge of x and y; `to` an equal merge that differs in m.txt. */
  async function twoMerges(): Promise<{ a: string; from: string; to: string }> {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    const base = await head(a);
    const side = async (name: string, from: string) => {
      await git(a, "checkout", "-q", "-B", name, from);
      await writeFile(join(a, `${name}.txt`), `${name}\n`);
      await git(a, "add", `${name}.txt`);
      await git(a, "commit", "-qm", name);
    };
    await side("x", base);
    await side("y", base);
    await git(a, "merge", "-q", "--no-edit", "x");
    const merge = async (m: string, msg: string) => {
      await writeFile(join(a, "m.txt"), m);
      await git(a, "add", "m.txt");
      const tree = (await git(a, "write-tree")).trim();
      return (await git(a, ...HERALD, "commit-tree", tree, "-p", "x", "-p", "y", "-m", msg)).trim();
    };
    const from = await merge("one\n", "herald: merge one");
    const to = await merge("two\n", "herald: merge two");
    await git(a, "checkout", "-q", "main");
    await git(a, "reset", "-q", "--hard", from);
    return { a, from, to };
  }

  // Also an empty file added and an intent to add (`git add -N`), which diff-index shows alike: the
  // intent must stay an intent, not become a staged empty file their commit would hold.
  it("keeps a new file, an edit, a removal and an intent to add the user staged, and their commit then holds them", async () => {
    const { a, from, to } = await twoMerges();
    await writeFile(join(a, "new.txt"), "the user's new file\n");
    await writeFile(join(a, "x.txt"), "the user's edit\n");
    await writeFile(join(a, "empty.txt"), "");
    await writeFile(join(a, "later.txt"), "not yet\n");
    await git(a, "add", "new.txt", "x.txt", "empty.txt");
    await git(a, "add", "-N", "later.txt");
    await git(a, "rm", "-q", "--cached", "y.txt");
    const staged = await git(a, "status", "--porcelain");
    expect(staged).toBe("A  empty.txt\n A later.txt\nA  new.txt\nM  x.txt\nD  y.txt\n?? y.txt\n");

    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to)).toBe("advanced");

    expect(await head(a)).toBe(to);
    expect(await readFile(join(a, "m.txt"), "utf8")).toBe("two\n");
    expect(await git(a, "status", "--porcelain")).toBe(staged);
    await git(a, "-c", "user.name=U", "-c", "user.email=u@example.org", "commit", "-qm", "the user's commit");
    expect(await git(a, "show", "HEAD:x.txt")).toBe("the user's edit\n");
    expect(await git(a, "show", "HEAD:new.txt")).toBe("the user's new file\n");
    expect(await git(a, "show", "HEAD:empty.txt")).toBe("");
    expect(await git(a, "ls-tree", "--name-only", "HEAD", "--", "y.txt", "later.txt")).toBe("");
    expect(await git(a, "status", "--porcelain")).toBe(" A later.txt\n?? y.txt\n");
  });
});
