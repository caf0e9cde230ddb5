// Found by the storm bench (ring 8 with XMPP): the user saved a file in the second Herald's checkout
// wrote it, with the same size, and the checkout wrote the index in the next second. The index entry
// then described the user's file; their `git add` staged nothing, their commit went in without the
// change, and the clone's merges stopped at the dirty file. Here git's own filters stand in for the
// user, at the moments the storm hit by chance: `aaa.txt`'s smudge waits for a second to begin (so
// the next writes share it), `zzz.txt`'s saves `same.txt` just after git wrote it and then holds the
// checkout past the second, so the index lands in a later one (racy-index.ts).
import { git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { GitRepo } from "../src/git/repo.js";
import { advanceHead } from "../src/git/advance-head.js";
import { sleep } from "./fixtures.js";

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

  /** a's branch at `from` (THEIRS in same.txt); `to` one commit ahead (OURS). */
  async function fastForward(): Promise<{ a: string; from: string; to: string }> {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    const from = await commit(a, THEIRS, "from", [await head(a)]);
    await git(a, "reset", "-q", "--hard", from);
    const to = await commit(a, OURS, "to", [from]);
    await git(a, "reset", "-q", "--hard", from);
    return { a, from, to };
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
    const { a, from, to } = await fastForward();
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

  // A save the user made in the second their own add wrote the index is marked changed only by
  // that raciness: a move seconds later must not write the entry back as clean (a move on a copy
  // of the index stamped when it was made did, for a while: racy-index.ts).
  it("a save only the index's raciness marks as changed is still seen after a move of other files", async () => {
    sb = await makeSandbox(["a"], []);
    const a = sb.clones.a!;
    await sleep(1020 - (Date.now() % 1000)); // a second begins: both saves and the add land in it
    await writeFile(join(a, "same.txt"), OURS);
    await git(a, "add", "--", "same.txt");
    await git(a, "commit", "-qm", "round 0");
    await writeFile(join(a, "same.txt"), USERS);
    const [saved, indexed] = await Promise.all([stat(join(a, "same.txt")), stat(join(a, ".git", "index"))]);
    expect(Math.floor(saved.mtimeMs / 1000)).toBe(Math.floor(indexed.mtimeMs / 1000)); // the race this test is about
    // `to`: one more file on top, made without touching the work tree or the index.
    const from = await head(a);
    const blob = execFileSync("git", ["-C", a, "hash-object", "-w", "--stdin"], { input: "other\n", encoding: "utf8" }).trim();
    const tree = execFileSync("git", ["-C", a, "mktree"], { input: `${await git(a, "ls-tree", from)}100644 blob ${blob}\tother.txt\n`, encoding: "utf8" }).trim();
    const to = (await git(a, "commit-tree", tree, "-p", from, "-m", "other.txt")).trim();
    await sleep(2020 - (Date.now() % 1000)); // the move comes two seconds later
    expect(await advanceHead(await GitRepo.open(a), "refs/heads/main", from, to, true)).toBe("advanced");
    await git(a, "add", "--", "same.txt");
    expect(await git(a, "diff", "--cached", "--name-only")).toBe("same.txt\n");
  });
});
