// herald.autocommit commits what a person or a tool changed, once per change, and nothing else:
// an editor's save (a temp file renamed over the file) is one commit without the temp file; a
// `git checkout` of 1,000 files is no commit at all (git wrote the index under index.lock, so the
// tree and the index agree once it is done); writes into an ignored directory are none.
import { git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOne, type Running } from "./helpers.js";
import { bigCommit, recordsOf, sleep } from "./fixtures.js";

describe("herald.autocommit", () => {
  let sb: Sandbox;
  let b: Running | undefined;
  afterEach(async () => {
    await b?.agent.stop();
    b = undefined;
    await sb?.cleanup();
  });

  /** The commits on b's branch since `base`, with the files each touched. */
  const commitsSince = async (dir: string, base: string) =>
    (await git(dir, "log", "--format=%x00%s", "--name-only", `${base}..HEAD`)).split("\0").filter((c) => c.trim()).map((c) => {
      const [subject, ...files] = c.trim().split("\n").filter(Boolean);
      return { subject: subject!, files };
    });
  /** Wait until b's agent is idle and has stayed so for a moment (late watcher events included). */
  const quiet = async () => {
    for (let before = -1; before !== b!.records.length;) {
      before = b!.records.length;
      await b!.agent.idle();
      await sleep(400);
    }
  };

  async function start(prepare?: (dir: string) => Promise<void>): Promise<string> {
    sb = await makeSandbox(["a", "b"], "line");
    const dir = sb.clones.b!;
    await prepare?.(dir);
    await git(dir, "config", "herald.autocommit", "true");
    b = await startOne(dir);
    return dir;
  }

  it("an editor's save (temp file written, renamed over the file) is one commit, without the temp file", async () => {
    const dir = await start();
    const base = await head(dir);
    // As an editor does it, back to back: write the new content beside the file, rename it over.
    writeFileSync(join(dir, ".README.md.swp~"), "saved by the editor\n");
    renameSync(join(dir, ".README.md.swp~"), join(dir, "README.md"));
    await waitFor(async () => (await head(dir)) !== base, 20_000, "the autocommit");
    await quiet();
    expect(await commitsSince(dir, base)).toEqual([{ subject: "herald: autocommit on b: changed README.md", files: ["README.md"] }]);
    expect(await git(dir, "status", "--porcelain")).toBe("");
  }, 60_000);

  it("a `git checkout` of 1,000 files makes no commit, there and back; an edit after it does", async () => {
    const dir = await start(async (d) => {
      await git(d, "checkout", "-q", "-b", "many");
      await bigCommit(d, 1000, "many");
      await git(d, "checkout", "-q", "main");
    });
    const many = (await git(dir, "rev-parse", "many")).trim();
    const main = await head(dir);
    await git(dir, "checkout", "-q", "many");
    await quiet();
    expect(await head(dir)).toBe(many);
    await git(dir, "checkout", "-q", "main");
    await quiet();
    expect(await head(dir)).toBe(main);
    expect(recordsOf(b!, "autocommitted")).toEqual([]);
    // It waited for the checkout's index.lock rather than run into it (and so never held the lock
    // when the user's next git command wanted it).
    expect(recordsOf(b!, "autocommit-failed")).toEqual([]);
    // Still watching: an edit now is committed (so the silence above was not a deaf watcher).
    await writeFile(join(dir, "after.txt"), "after the checkouts\n");
    await waitFor(async () => (await head(dir)) !== main, 20_000, "the autocommit of after.txt");
    await quiet();
    expect(await commitsSince(dir, main)).toEqual([{ subject: "herald: autocommit on b: added after.txt", files: ["after.txt"] }]);
  }, 60_000);

  it("writes into an ignored directory make no commit", async () => {
    const dir = await start(async (d) => {
      await writeFile(join(d, ".gitignore"), "build/\n");
      await git(d, "add", ".gitignore");
      await git(d, "commit", "-q", "-m", "ignore build/");
    });
    const base = await head(dir);
    // A build tool: directories and files appearing and changing under build/.
    for (let i = 0; i < 10; i++) {
      mkdirSync(join(dir, "build", `m${i}`), { recursive: true });
      for (let k = 0; k < 20; k++) writeFileSync(join(dir, "build", `m${i}`, `o${k}.o`), `object ${i}.${k}\n`);
      await sleep(20);
    }
    await mkdir(join(dir, "build", "m0"), { recursive: true });
    await writeFile(join(dir, "build", "m0", "o0.o"), "rebuilt\n");
    await quiet();
    expect(await head(dir)).toBe(base);
    expect(recordsOf(b!, "autocommitted")).toEqual([]);
    // In one step, as the build files above: an async writeFile opens the file and writes it in two
    // turns of the thread pool, and on a loaded machine (a suite run) the empty file sat there past
    // the 25 ms settle and was committed before its content (two commits).
    writeFileSync(join(dir, "notes.txt"), "a tracked file\n");
    await waitFor(async () => (await head(dir)) !== base, 20_000, "the autocommit of notes.txt");
    await quiet();
    expect(await commitsSince(dir, base)).toEqual([{ subject: "herald: autocommit on b: added notes.txt", files: ["notes.txt"] }]);
  }, 60_000);

  // Beside the storm bench's finding (advance-user-write.test.ts): git's add takes a file's stat
  // data, then reads it. A same-size save between the read and the index's write, in that second,
  // with the index landing in the next, matched the stat data the add recorded: no add staged it
  // again, and the save was never committed. The clean filter stands in for the user.
  it("a same-size save made while the add reads the file is committed after all", async () => {
    const seconds = join(tmpdir(), `herald-seconds-${process.pid}`);
    const dir = await start(async (d) => {
      await writeFile(join(d, "same.txt"), "version 0 of same.txt\n");
      await git(d, "add", "same.txt");
      await git(d, "commit", "-qm", "same.txt");
      await writeFile(join(d, ".git", "info", "attributes"), "same.txt filter=user\n");
      const user = `if [ -e .git/save-now ]; then rm .git/save-now; cat; s=$(stat -c %Y same.txt); printf 'version 2 of same.txt\\n' > same.txt; echo $s $(stat -c %Y same.txt) > '${seconds}'; sleep 1.3; else cat; fi`;
      await git(d, "config", "filter.user.clean", user);
      await git(d, "config", "filter.user.smudge", "cat");
    });
    await writeFile(join(dir, ".git", "save-now"), "");
    await sleep(1020 - (Date.now() % 1000)); // a second begins: the save and the user's next land in it
    await writeFile(join(dir, "same.txt"), "version 1 of same.txt\n");
    await waitFor(async () => (await git(dir, "show", "HEAD:same.txt")) === "version 2 of same.txt\n", 15_000, "the second save committed");
    const [first, second] = (await readFile(seconds, "utf8")).trim().split(" ");
    expect(second).toBe(first); // the race this test is about: both saves in one second
    await quiet();
    expect(await git(dir, "status", "--porcelain")).toBe("");
    await rm(seconds, { force: true });
  }, 60_000);
});
