// An agent killed with SIGKILL while moving HEAD (journal .git/herald/advance.json left behind,
// maybe a half-written work tree and a stale index.lock) recovers on restart: the clone ends at
// the incoming commit, clean, with no lock, no MERGE_HEAD and no file lost.
import { git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { spawn, spawnSync } from "node:child_process";
import { watch } from "node:fs";
import { mkdir, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recoverInterruptedAdvance } from "../src/git/advance-recovery.js";
import { GitRepo } from "../src/git/repo.js";
import { startOne, stopAll, type Running } from "./helpers.js";
import { bigCommit, exists, installGitWrapper, recordsOf } from "./fixtures.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIST = join(ROOT, "packages", "agent", "dist", "index.js");
// The child runs the built agent (a child process, so that it can be SIGKILLed) and logs JSON lines.
const RUNNER = `import { pathToFileURL } from "node:url";
const [dist, repoDir] = process.argv.slice(2);
const { Agent, createLogger } = await import(pathToFileURL(dist).href);
await Agent.start({ repoDir, log: createLogger([(r) => process.stdout.write(JSON.stringify(r) + "\\n")], "debug") });
`;
const N = 3000;
const gitOk = async (dir: string, ...args: string[]) => spawnSync("git", ["-C", dir, ...args]).status === 0;

describe("recovery of an agent killed in the middle of a merge", () => {
  let sb: Sandbox;
  const running: Running[] = [];
  beforeAll(() => {
    // Build first, so the child runs the code under test and not a stale dist/.
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "packages/agent"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tsc -b packages/agent failed:\n${r.stdout}${r.stderr}`);
  }, 120_000);
  afterEach(async () => {
    await stopAll(running.splice(0));
    await sb?.cleanup();
  });

  /** b at `from`; a's big commit `to` not yet sent to b. */
  async function setup() {
    sb = await makeSandbox(["a", "b"], "line");
    const b = sb.clones.b!;
    return { b, from: await head(b), to: await bigCommit(sb.clones.a!, N) };
  }
  const send = (to: string) => git(sb.clones.a!, "push", "-q", "b", `${to}:refs/remotes/a/main`); // what a's agent pushes
  const journal = (b: string) => join(b, ".git", "herald", "advance.json");

  /** Restart in-process and check the clone ends exactly at `to`, clean. */
  async function restartAndCheck(b: string, to: string, ownFiles: string[] = []) {
    const r = await startOne(b);
    running.push(r);
    expect(recordsOf(r, "recovered")).toHaveLength(1);
    await waitFor(async () => (await head(b)) === to, 30_000, "b to redo the merge");
    await r.agent.idle();
    expect(recordsOf(r, "merged").map((m) => m.sha)).toContain(to);
    for (const f of ["index.lock", "HEAD.lock", "ORIG_HEAD.lock", join("refs", "heads", "main.lock"), "MERGE_HEAD", join("herald", "advance.json")]) expect(await exists(join(b, ".git", f))).toBe(false);
    expect(await git(b, "status", "--porcelain")).toBe(ownFiles.map((f) => `?? ${f}\n`).join(""));
    expect((await readdir(join(b, "big"))).length).toBe(N);
    expect(await readFile(join(b, "big", "f1234.txt"), "utf8")).toBe(await git(b, "show", `${to}:big/f1234.txt`));
    expect(await readFile(join(b, "README.md"), "utf8")).toBe("shared\nbig\n");
  }

  /** Start the agent on b as a child, send the big commit, SIGKILL the whole process group when `trigger` fires. */
  async function killDuringMerge(b: string, to: string, dir: string, trigger: string) {
    await writeFile(join(sb.root, "runner.mjs"), RUNNER);
    const child = spawn(process.execPath, [join(sb.root, "runner.mjs"), DIST, b], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await waitFor(async () => out.includes('"event":"started"'), 20_000, "the child agent to start");
      const killed = new Promise<void>((resolve) => {
        const w = watch(dir, (_e, name) => {
          if (String(name) !== trigger) return;
          process.kill(-child.pid!, "SIGKILL"); // the agent and the git it is running
          w.close();
          resolve();
        });
      });
      await send(to);
      await killed;
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      await exited;
    }
  }

  it("recovers when killed as the journal appears", async () => {
    const { b, from, to } = await setup();
    await killDuringMerge(b, to, join(b, ".git", "herald"), "advance.json");
    expect(await exists(journal(b))).toBe(true);
    expect(await head(b)).toBe(from);
    await restartAndCheck(b, to);
  }, 60_000);

  it("recovers when killed half-way through the checkout", async () => {
    const { b, from, to } = await setup();
    await killDuringMerge(b, to, b, "big"); // git has begun writing the target's files
    expect(await exists(journal(b))).toBe(true);
    expect(await exists(join(b, ".git", "index.lock"))).toBe(true);
    expect(await head(b)).toBe(from);
    expect((await readdir(join(b, "big"))).length).toBeLessThan(N);
    await restartAndCheck(b, to);
  }, 60_000);

  // The same states, made deterministically: what a kill at each point of `git merge --ff-only` leaves.
  it.each([
    ["a few of the target's files written, one cut short, index.lock held", async (b: string, to: string) => {
      await mkdir(join(b, "big"));
      for (const f of ["big/f0000.txt", "big/f0001.txt", "big/f0002.txt", "README.md"]) await writeFile(join(b, f), await git(b, "show", `${to}:${f}`));
      const cut = await git(b, "show", `${to}:big/f0003.txt`); // the file being written at the kill
      await writeFile(join(b, "big", "f0003.txt"), cut.slice(0, cut.length >> 1));
    }],
    ["index and work tree written, HEAD not yet moved", async (b: string, to: string, from: string) => {
      await git(b, "read-tree", "-m", "-u", from, to);
    }],
    ["HEAD's, ORIG_HEAD's and the branch's locks held too", async (b: string, to: string, from: string) => {
      await git(b, "read-tree", "-m", "-u", from, to);
      await writeFile(join(b, ".git", "HEAD.lock"), "");
      await writeFile(join(b, ".git", "ORIG_HEAD.lock"), ""); // alone, it makes git merge refuse
      await writeFile(join(b, ".git", "refs", "heads", "main.lock"), "");
    }],
  ])("recovers a clone left with %s", async (_what, leave) => {
    const { b, from, to } = await setup();
    await send(to);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await mkdir(join(b, ".git", "herald"), { recursive: true });
    await writeFile(journal(b), JSON.stringify({ from, to, branch: "refs/heads/main", pid: dead }));
    await leave(b, to, from);
    await writeFile(join(b, ".git", "index.lock"), "");
    await writeFile(join(b, "notes.txt"), "the user's own file\n");
    expect(await git(b, "status", "--porcelain", "--untracked-files=no").catch(() => "locked")).not.toBe("");
    await restartAndCheck(b, to, ["notes.txt"]);
    expect(await readFile(join(b, "notes.txt"), "utf8")).toBe("the user's own file\n");
  }, 60_000);

  // A symlink's blob is its text: hashing the link's path read what it points to, and a dangling
  // one made the restart fail ("could not open ... for reading"): npm run chaos, an agent dead.
  it("recovers a checkout that wrote a dangling symlink", async () => {
    const { b, from, to: big } = await setup();
    const a = sb.clones.a!;
    await mkdir(join(a, "links"));
    await symlink("../nowhere", join(a, "links", "l1"));
    await git(a, "add", "links");
    await git(a, "commit", "-qm", "a dangling link");
    const to = await head(a);
    await send(to);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await mkdir(join(b, ".git", "herald"), { recursive: true });
    await writeFile(journal(b), JSON.stringify({ from, to, branch: "refs/heads/main", pid: dead }));
    await git(b, "read-tree", "-m", "-u", from, to);
    await writeFile(join(b, ".git", "index.lock"), "");
    expect(big).not.toBe(to);
    await restartAndCheck(b, to);
    expect(await readlink(join(b, "links", "l1"))).toBe("../nowhere");
  }, 60_000);
});

// The non-fast-forward path moves the branch with `git reset --keep`, which has no expected old
// value; the check right after it keeps a user commit made in that window for the next merge
// (kept-commits.ts). Killed between the two, the commit was off the branch for good: the start-up
// recovery now makes that check, and the start's merge brings the commit back.
describe("killed between a reset and its check", () => {
  const journal = (b: string) => join(b, ".git", "herald", "advance.json");
  let sb: Sandbox;
  let restore: (() => Promise<void>) | undefined;
  const running: Running[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
    await restore?.();
    restore = undefined;
    await sb?.cleanup();
  });

  /** A commit of one new file on the checked-out branch; its sha. */
  async function commitNew(b: string, path: string, text: string): Promise<string> {
    await writeFile(join(b, path), text);
    await git(b, "add", path);
    await git(b, "commit", "-qm", path);
    return head(b);
  }

  /** The journal a killed agent leaves for a move from `from` to `to`. */
  async function leaveJournal(b: string, from: string, to: string): Promise<void> {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await mkdir(join(b, ".git", "herald"), { recursive: true });
    await writeFile(journal(b), JSON.stringify({ from, to, branch: "refs/heads/main", pid: dead }));
  }

  it.each([
    ["the reset done", async () => undefined],
    ["the user committed again since", async (b: string) => { await commitNew(b, "later.txt", "after the reset\n"); }],
  ])("keeps the user's commit the reset replaced, and the start merges it back (%s)", async (_what, after) => {
    sb = await makeSandbox(["b"], "line");
    const b = sb.clones.b!;
    const from = await head(b);
    await git(b, "checkout", "-q", "-b", "peer");
    const to = await commitNew(b, "theirs.txt", "a peer's file\n");
    await git(b, "checkout", "-q", "main");
    const user = await commitNew(b, "mine.txt", "the user's commit, made in the window\n");
    await leaveJournal(b, from, to);
    await git(b, "reset", "--keep", "-q", to);
    await after(b);
    expect(await recoverInterruptedAdvance(await GitRepo.open(b))).toBe("recovered");
    expect(await git(b, "for-each-ref", "--format=%(objectname)", "refs/herald/kept/")).toBe(`${user}\n`);
    expect(await exists(journal(b))).toBe(false);
    const r = await startOne(b);
    running.push(r);
    await waitFor(async () => (await git(b, "for-each-ref", "refs/herald/kept/")) === "", 20_000, "the kept commit to be merged");
    await r.agent.idle();
    expect(await gitOk(b, "merge-base", "--is-ancestor", user, "HEAD")).toBe(true);
    expect(await gitOk(b, "merge-base", "--is-ancestor", to, "HEAD")).toBe(true);
    expect(await readFile(join(b, "mine.txt"), "utf8")).toBe("the user's commit, made in the window\n");
    expect(await readFile(join(b, "theirs.txt"), "utf8")).toBe("a peer's file\n");
    expect(await git(b, "status", "--porcelain")).toBe("");
  });

  it("waits for the user's own git to let go of the index rather than fail to start", async () => {
    sb = await makeSandbox(["b"], "line");
    const b = sb.clones.b!;
    const from = await head(b);
    await git(b, "checkout", "-q", "-b", "peer");
    const to = await commitNew(b, "README.md", "the peer's README\n"); // a file both sides have
    await git(b, "checkout", "-q", "main");
    await leaveJournal(b, from, to);
    await writeFile(join(b, "README.md"), "the peer's README\n"); // the killed checkout wrote it
    // The user's `git commit` holds index.lock when recovery first restores a file, then is done.
    const held = `fatal: Unable to create '${join(b, ".git", "index.lock")}': File exists.`;
    const wrap = await installGitWrapper(`if [ "$1" = checkout ] && [ ! -e "$WRAP/once" ]; then touch "$WRAP/once"; echo "${held}" >&2; exit 128; fi`);
    restore = wrap.restore;
    expect(await recoverInterruptedAdvance(await GitRepo.open(b))).toBe("recovered");
    expect(await exists(join(wrap.dir, "once"))).toBe(true); // the lock was met, and waited out
    expect(await head(b)).toBe(from);
    expect(await readFile(join(b, "README.md"), "utf8")).toBe("shared\n");
    expect(await git(b, "status", "--porcelain")).toBe("");
  });

  // npm run chaos: an agent restarted while the user's `git add` of a thousand files held
  // index.lock; the recovery took the lock for the dead agent's and removed it, and the add
  // failed at its end ("Unable to write new index file"). A live holder's lock stays.
  it("leaves alone a lock a live git holds, and finishes once it lets go", async () => {
    sb = await makeSandbox(["b"], "line");
    const b = sb.clones.b!;
    const from = await head(b);
    await git(b, "checkout", "-q", "-b", "peer");
    const to = await commitNew(b, "README.md", "the peer's README\n");
    await git(b, "checkout", "-q", "main");
    await leaveJournal(b, from, to);
    await writeFile(join(b, "README.md"), "the peer's README\n"); // the killed checkout wrote it
    // The user's git: creates index.lock, keeps it open a while, then renames it over the index
    // (as lockfile.c commits), which fails if anyone removed it.
    const lock = join(b, ".git", "index.lock");
    const holder = spawn("sh", ["-c", `exec 3>'${lock}'; cp '${join(b, ".git", "index")}' '${lock}'; sleep 1; mv '${lock}' '${join(b, ".git", "index")}'`], { stdio: "ignore" });
    const holderDone = new Promise<number | null>((r) => holder.once("exit", r));
    await waitFor(() => exists(lock), 5_000, "the user's git to take the lock");
    expect(await recoverInterruptedAdvance(await GitRepo.open(b))).toBe("recovered");
    expect(await holderDone).toBe(0); // its lock was still there to rename
    expect(await head(b)).toBe(from);
    expect(await readFile(join(b, "README.md"), "utf8")).toBe("shared\n");
    expect(await git(b, "status", "--porcelain")).toBe("");
  });

  it("leaves a finished fast-forward alone", async () => {
    sb = await makeSandbox(["b"], "line");
    const b = sb.clones.b!;
    const from = await head(b);
    const to = await commitNew(b, "theirs.txt", "a peer's file\n");
    await leaveJournal(b, from, to);
    expect(await recoverInterruptedAdvance(await GitRepo.open(b))).toBe("recovered");
    expect(await head(b)).toBe(to);
    expect(await git(b, "status", "--porcelain")).toBe("");
  });
});
