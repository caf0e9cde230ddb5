// Move the checked-out branch forward to a commit that contains it, updating the work tree the way
// `git merge --ff-only` does: it refuses, rather than overwrite, any uncommitted change in a file
// it would touch, and it never leaves MERGE_HEAD behind. A journal written first lets the next
// start finish the move if the agent is killed half-way through the checkout.
import { lstat, mkdir, readFile, readlink, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isBranchRef } from "@herald/protocol";
import { GitCommandError, HeraldError } from "../errors.js";
import { isHeraldMerge } from "./merge-commit.js";
import { assertSha, type GitRepo } from "./repo.js";
import { pidAlive } from "../pid-alive.js";
import { keepWhatTheMoveDropped } from "./kept-commits.js";
import { stageAgain, stagedChanges } from "./staged-changes.js";
import { locksHeldOpen } from "./lock-holder.js";
import { distrustStatSince, movedIndexCopy, underIndexLock } from "./racy-index.js";

interface Journal { from: string; to: string; branch: string; pid: number }

const journalPath = (repo: GitRepo) => join(repo.gitDir, "herald", "advance.json");

/** "stepped-over": HEAD is at `to`, and a user commit made meanwhile waits in a kept ref for the next merge. */
export type AdvanceOutcome = "advanced" | "stepped-over" | "head-moved" | "blocked-by-local-changes" | "busy";

/** `fastForward`: the caller already knows `to` descends from `from` (saves a git call). */
export async function advanceHead(repo: GitRepo, branch: string, from: string, to: string, fastForward = false): Promise<AdvanceOutcome> {
  assertSha(from); assertSha(to);
  const path = journalPath(repo);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ from, to, branch, pid: process.pid } satisfies Journal));
  try {
    // Compare-and-swap on HEAD: a commit the user made meanwhile is never dropped (git refuses
    // the non-fast-forward and we start over from the new HEAD).
    if ((await repo.head()) !== from) return "head-moved";
    if (fastForward || (await repo.isAncestor(from, to))) {
      // No auto-maintenance here: what we merge came in by a push (receive-pack ran `gc --auto`)
      // or a fetch (which ran `maintenance run --auto`) a moment ago, and a fast-forward adds no
      // object. git's own run after the merge was one more process per clone per commit, a tenth
      // of the git work a star of ten does per commit (npm run bench).
      const moved = await underIndexLock(repo.gitDir, (env) => repo.run(["-c", "maintenance.auto=false", "merge", "--ff-only", "--no-edit", "-q", to], env));
      return moved === "busy" ? "busy" : "advanced";
    }
    // Not a fast-forward: only Herald's own merges may be left behind (their parents are all in
    // `to`); a user commit never is. `reset --keep` moves the branch and updates only the files
    // that differ, and aborts rather than touch a file with uncommitted changes (git-reset(1)).
    if (!(await onlyHeraldMergesBetween(repo, to, from))) return "head-moved";
    if ((await repo.head()) !== from) return "head-moved"; // checked again: the window is a spawn wide
    // On a copy of the index, under its lock, so that a save of the user's in the second git wrote
    // a file is seen by their next `git add` (racy-index.ts); what they had staged is staged again
    // (reset --keep unstages it: staged-changes.ts).
    const moved = await underIndexLock(repo.gitDir, async (env) => {
      const staged = await stagedChanges(repo, env);
      await repo.run(["reset", "--keep", "-q", to], env);
      await stageAgain(repo, env, staged);
    });
    if (moved === "busy") return "busy";
    // reset has no expected old value: a commit the user made since our look at HEAD is kept
    // for the next merge rather than moved back to (kept-commits.ts).
    return (await keepWhatTheMoveDropped(repo, branch, from, to)) ? "stepped-over" : "advanced";
  } catch (e) {
    if (!(e instanceof GitCommandError)) throw e;
    // The whole stderr: the error's message keeps only the last lines, and git states the reason
    // first (then the list of files, then "Aborting").
    if (/would be overwritten|untracked working tree files|not uptodate/.test(e.stderr)) return "blocked-by-local-changes";
    if (/Not possible to fast-forward|but expected/.test(e.stderr)) return "head-moved";
    if (/\.lock': File exists/.test(e.stderr)) return "busy"; // the user's own git holds index.lock
    throw e;
  } finally {
    await rm(path, { force: true });
  }
}

/** True when every commit reachable from `from` but not from `to` is a Herald merge. */
async function onlyHeraldMergesBetween(repo: GitRepo, to: string, from: string): Promise<boolean> {
  const out = await repo.run(["log", "--format=%ae %P", `${to}..${from}`, "--"]);
  return out.trim().split("\n").filter(Boolean).every((l) => {
    const [email, ...parents] = l.split(" ");
    return isHeraldMerge({ authorEmail: email!, parents });
  });
}

/**
 * On start: if a previous agent died inside advanceHead, put the clone back in a clean state.
 * A stale index.lock (its owner is dead) is removed; files the interrupted checkout already wrote
 * (their content equals the target's, so nothing is lost) are taken back to HEAD's version, after
 * which the normal merge path simply runs again. Uncommitted user edits are never touched.
 */
export async function recoverInterruptedAdvance(repo: GitRepo): Promise<"none" | "recovered"> {
  const path = journalPath(repo);
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return "none";
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
    assertSha(j.from); assertSha(j.to);
  } catch {
    await rm(path, { force: true });
    return "recovered";
  }
  if (pidAlive(j.pid) && j.pid !== process.pid) throw new HeraldError("AGENT_RUNNING", `another agent (pid ${j.pid}) is updating this clone`);
  // The git it ran died with it (SIGKILL of the process group, a power cut) and left its locks:
  // the index's, HEAD's, ORIG_HEAD's (merge and reset write it) and the branch's. Kept, they make
  // every git of the user's fail ("Unable to create '.git/HEAD.lock'"), and `git merge` refuses
  // while ORIG_HEAD.lock is there: the clone never moves again (npm run chaos).
  const names = ["index.lock", "HEAD.lock", "ORIG_HEAD.lock", `${j.branch}.lock`].filter((n) => !n.startsWith("refs/") || isBranchRef(j.branch)); // the journal is a file: checked all the same
  const present: string[] = [];
  for (const name of names) if (await stat(join(repo.gitDir, name)).then(() => true, () => false)) present.push(join(repo.gitDir, name));
  // A lock a live process has open is not the dead agent's: the user's git, working meanwhile.
  const copy = movedIndexCopy(repo.gitDir), copyLock = `${copy}.lock`;
  const moving = await stat(copyLock).then(() => true, () => false);
  const held = present.length || moving ? await locksHeldOpen([...present, ...(moving ? [copyLock] : [])]) : null;
  // Its git outlived it (the agent alone was killed) and is still moving the work tree.
  if (held?.has(copyLock)) throw new HeraldError("AGENT_RUNNING", "a git the previous agent started is still updating this clone; start again once it has ended");
  // The move works on a copy of the index under index.lock (racy-index.ts). Killed once git had
  // moved the branch, the copy is the branch's index (git writes the index before it moves the
  // ref), and no other git wrote the real one while the lock stood: it goes in. Otherwise the
  // real index is the one of HEAD as it still is.
  if (await stat(copy).then(() => true, () => false)) {
    if ((await repo.head()) === j.to) {
      // What the user had staged is in the real index still (the move's reset may have unstaged it
      // on the copy before it died: staged-changes.ts): staged again on the copy (again, if the move
      // did it already: the same entries).
      await stageAgain(repo, { GIT_INDEX_FILE: copy }, await stagedChanges(repo, {}, j.from));
      await rename(copy, join(repo.gitDir, "index"));
    } else await rm(copy, { force: true });
  }
  await rm(copyLock, { force: true });
  for (const lock of present) if (!held?.has(lock)) await rm(lock, { force: true });
  const head = await repo.head();
  if (head === j.from) await whileUserGitRuns(() => revertPartialCheckout(repo, j.from, j.to));
  // Killed after the move but before the check that follows it: a commit the user made in that
  // window is kept for the merge the start runs (kept-commits.ts).
  else await keepWhatTheMoveDropped(repo, j.branch, j.from, j.to);
  await rm(path, { force: true });
  return "recovered";
}

/** The dead agent's locks are gone by now, so a lock in the way is a live git's: the user's
 * `git add` or `commit` (they go on working while the agent is down). It holds the lock for
 * milliseconds: wait for it, up to a few seconds, rather than fail the start (npm run chaos,
 * star7: an agent that could not start again because the user committed meanwhile). */
async function whileUserGitRuns<T>(step: () => Promise<T>, tries = 50, waitMs = 100): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (e) {
      if (i >= tries || !(e instanceof GitCommandError) || !/\.lock': File exists/.test(e.stderr)) throw e;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

async function revertPartialCheckout(repo: GitRepo, from: string, to: string): Promise<void> {
  // The index may be stale too: refresh it before asking git what differs.
  await repo.tryRun(["update-index", "-q", "--refresh"]);
  // Batched (one git call per step, not three per file): a 3000-file checkout took 27 s to undo.
  // `:oldmode newmode oldoid newoid status\0path\0`; a zero oid means "absent on that side".
  const raw = (await repo.run(["diff", "--raw", "-z", "--no-renames", "--no-abbrev", from, to, "--"])).split("\0");
  const blobs = new Map<string, { from: string | null; to: string | null }>();
  const some = (oid: string | undefined) => (oid && /[^0]/.test(oid) ? oid : null);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [, , oldOid, newOid] = raw[i]!.split(" ");
    blobs.set(raw[i + 1]!, { from: some(oldOid), to: some(newOid) });
  }
  const status = await repo.run(["status", "--porcelain", "-z", "--untracked-files=all", "--no-renames"]);
  const dirty = status.split("\0").filter(Boolean).map((l) => l.slice(3)).filter((p) => blobs.has(p));
  const onDisk = new Map<string, string | null>();
  const links = new Set<string>();
  for (const p of dirty) {
    const st = await lstat(join(repo.dir, p)).catch(() => null);
    onDisk.set(p, st ? "" : null);
    if (st?.isSymbolicLink()) links.add(p);
  }
  const present = dirty.filter((p) => onDisk.get(p) === "" && !p.includes("\n") && !links.has(p));
  const hashes = present.length ? (await repo.run(["hash-object", "--stdin-paths"], undefined, present.map((p) => `${p}\n`).join(""))).split("\n") : [];
  present.forEach((p, i) => onDisk.set(p, hashes[i]?.trim() || null));
  // A symlink's blob is its text: hash-object on its path would read (or fail on) what it points to.
  for (const p of links) onDisk.set(p, (await repo.run(["hash-object", "--stdin"], undefined, await readlink(join(repo.dir, p)))).trim());
  // Only files the checkout wrote go back: the target's content, or the start of it (the write the
  // kill cut short, maybe empty). Anything else is a user's own edit and stays as it is.
  const reverted: string[] = [];
  for (const p of dirty) {
    const target = blobs.get(p)!.to, disk = onDisk.get(p);
    if (disk === target || (disk && target && !links.has(p) && (await cutShort(repo, p, target)))) reverted.push(p);
  }
  if (!reverted.length) return;
  const paths = (list: string[]) => list.map((p) => `${p}\0`).join("");
  const literal = { GIT_LITERAL_PATHSPECS: "1" };
  const restore = reverted.filter((p) => blobs.get(p)!.from !== null);
  for (const p of reverted.filter((p) => blobs.get(p)!.from === null)) await rm(join(repo.dir, p), { force: true });
  const started = Date.now();
  if (restore.length) await repo.run(["checkout", from, "--pathspec-from-file=-", "--pathspec-file-nul"], literal, paths(restore));
  // Index entries of those paths only (a checkout killed after writing the index): back to HEAD's.
  await repo.run(["reset", "-q", from, "--pathspec-from-file=-", "--pathspec-file-nul"], literal, paths(reverted));
  await distrustStatSince(join(repo.gitDir, "index"), started);
}

/** The file holds a proper prefix of the blob. Compared as text: a cut can only end it early. */
async function cutShort(repo: GitRepo, path: string, blob: string): Promise<boolean> {
  const disk = (await readFile(join(repo.dir, path), "utf8").catch(() => null))?.replace(/\uFFFD+$/, "");
  if (disk === undefined) return false;
  const full = await repo.run(["cat-file", "blob", blob]);
  return disk.length < full.length && full.startsWith(disk);
}

