// Found by the storm bench (ring 8 with XMPP): the user saved a file in the second Herald's checkout
// wrote it, with the same size, and the checkout wrote the index in the next second. The index entry
// then described the user's file; their `git add` staged nothing, their commit went in without the
// change, and the clone's merges stopped at the dirty file. Here git's own filters stand in for the
// user, at the moments the storm hit by chance: `aaa.txt`'s smudge waits for a second to begin (so
// the next writes share it), `zzz.txt`'s saves `same.txt` just after git wrote it and then holds the
// checkout past the second, so the index lands in a later one (racy-index.ts).
import { git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";

const HERALD = ["-c", "user.name=Herald", "-c", "user.email=herald@localhost"];
const THEIRS = "c5 wrote this in round 0", OURS = "c8 wrote this in round 0", USERS = "c8 wrote this in round 1";

describe("advanceHead and a file the user saves while its checkout runs", () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  /** A commit of the three files on top of `parents` (by Herald when it has two). */
  async function commit(a: string, same: string, tag: string, parents: string[]): Promise<string> {
    for (const [f, text] of [["same.txt", same], ["aaa.txt", `a ${tag}\n`], ["zzz.txt", `z ${tag}\n`]] as const) await writeFile(join(a, f), text);
    await git(a, "add", "same.txt", "aaa.txt", "zzz.txt");
    const tree = (await git(a, "write-tree")).trim();
    const who = parents.length > 1 ? HERALD : [];
    return (await git(a, ...who, "commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", tag)).trim();
  }

  async function userSavesDuringCheckout(a: string): Promise<string> {
    const seconds = join(sb.root, "seconds");
    await writeFile(join(a, ".git", "info", "attributes"), "aaa.txt filter=tick\nzzz.txt filter=user\n");
    const tick = `node -e "setTimeout(() => process.stdin.pipe(process.stdout), 1020 - Date.now() % 1000)"`;
    const user = `s=$(stat -c %Y same.txt); printf '${USERS}' > same.txt; echo $s $(stat -c %Y same.txt) > '${seconds}'; sleep 1.3; cat`;
    for (const [k, v] of [["filter.tick.smudge", tick], ["filter.tick.clean", "cat"], ["filter.user.smudge", user], ["filter.user.clean", "cat"]] as const) await git(a, "config", k, v);
    return seconds;
  }

  /** The user's own `git add` and commit, as the storm's user makes them; what the commit holds. */
  async function usersCommit(a: string, seconds: string): Promise<string> {
    const [gitWrote, userWrote] = (await readFile(seconds, "utf8")).trim().split(" ");
    expect(userWrote).toBe(gitWrote); // the race this test is about: both writes in one second
    expect(await readFile(join(a, "same.txt"), "utf8")).toBe(USERS);
    await git(a, "add", "--", "same.txt");
    await git(a, "-c", "user.name=U", "-c", "user.email=u@example.org", "commit", "-q", "--allow-empty", "-m", "the user");
    return git(a, "show", "HEAD:same.txt");
  }

  it("the user's add sees a same-size save made right after a fast-forward wrote the file", async () => {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    const from = await commit(a, THEIRS, "from", [await head(a)]);
    await git(a, "reset", "-q", "--hard", from);
    const to = await commit(a, OURS, "to", [from]);
    await git(a, "reset", "-q", "--hard", from);
    const seconds = await userSavesDuringCheckout(a);
    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to)).toBe("advanced");
    expect(await head(a)).toBe(to);
    expect(await usersCommit(a, seconds)).toBe(USERS);
  });

  it("and after the reset from one Herald merge to another", async () => {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    const base = await head(a);
    const x = await commit(a, THEIRS, "x", [base]), y = await commit(a, OURS, "y", [base]);
    const from = await commit(a, THEIRS, "herald: merge one", [x, y]);
    const to = await commit(a, OURS, "herald: merge two", [x, y]);
    await git(a, "reset", "-q", "--hard", from);
    const seconds = await userSavesDuringCheckout(a);
    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to)).toBe("advanced");
    expect(await head(a)).toBe(to);
    expect(await usersCommit(a, seconds)).toBe(USERS);
  });
});
