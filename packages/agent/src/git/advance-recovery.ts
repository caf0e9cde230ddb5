// The start after an agent died inside advanceHead (advance-head.ts): its journal says what it was
// moving; the clone is put back in a clean state, and nothing of the user's is touched.
import { lstat, readFile, readlink, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isBranchRef } from "@herald/protocol";
import { GitCommandError, HeraldError } from "../errors.js";
import { assertSha, type GitRepo } from "./repo.js";
import { pidAlive } from "../pid-alive.js";
import { keepWhatTheMoveDropped } from "./kept-commits.js";
import { locksHeldOpen } from "./lock-holder.js";
import { distrustingStat } from "./racy-index.js";
import { journalPath, type Journal } from "./advance-head.js";

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
  const held = present.length ? await locksHeldOpen(present) : null;
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
  await distrustingStat(repo.gitDir, async () => {
    if (restore.length) await repo.run(["checkout", from, "--pathspec-from-file=-", "--pathspec-file-nul"], literal, paths(restore));
    // Index entries of those paths only (a checkout killed after writing the index): back to HEAD's.
    await repo.run(["reset", "-q", from, "--pathspec-from-file=-", "--pathspec-file-nul"], literal, paths(reverted));
  });
}

/** The file holds a proper prefix of the blob. Compared as text: a cut can only end it early. */
async function cutShort(repo: GitRepo, path: string, blob: string): Promise<boolean> {
  const disk = (await readFile(join(repo.dir, path), "utf8").catch(() => null))?.replace(/\uFFFD+$/, "");
  if (disk === undefined) return false;
  const full = await repo.run(["cat-file", "blob", blob]);
  return disk.length < full.length && full.startsWith(disk);
}

