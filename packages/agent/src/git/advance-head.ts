// Move the checked-out branch forward to a commit that contains it, updating the work tree the way
// `git merge --ff-only` does: it refuses, rather than overwrite, any uncommitted change in a file
// it would touch, and it never leaves MERGE_HEAD behind. A journal written first lets the next
// start finish the move if the agent is killed half-way through the checkout.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GitCommandError, HeraldError } from "../errors.js";
import { assertSha, HERALD_IDENTITY, type GitRepo } from "./repo.js";

interface Journal { from: string; to: string; branch: string; pid: number }

const journalPath = (repo: GitRepo) => join(repo.gitDir, "herald", "advance.json");

export type AdvanceOutcome = "advanced" | "head-moved" | "blocked-by-local-changes";

export async function advanceHead(repo: GitRepo, branch: string, from: string, to: string): Promise<AdvanceOutcome> {
  assertSha(from); assertSha(to);
  const path = journalPath(repo);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ from, to, branch, pid: process.pid } satisfies Journal));
  try {
    // Compare-and-swap on HEAD: a commit the user made meanwhile is never dropped (git refuses
    // the non-fast-forward and we start over from the new HEAD).
    if ((await repo.head()) !== from) return "head-moved";
    if (await repo.isAncestor(from, to)) {
      await repo.run(["merge", "--ff-only", "--no-edit", "-q", to]);
      return "advanced";
    }
    // Not a fast-forward: only Herald's own merges may be left behind (their parents are all in
    // `to`); a user commit never is. `reset --keep` moves the branch and updates only the files
    // that differ, and aborts rather than touch a file with uncommitted changes (git-reset(1)).
    if (!(await onlyHeraldMergesBetween(repo, to, from))) return "head-moved";
    await repo.run(["reset", "--keep", "-q", to]);
    return "advanced";
  } catch (e) {
    if (e instanceof GitCommandError && /would be overwritten|untracked working tree files|not uptodate|Entry '.*' not uptodate/.test(e.message)) return "blocked-by-local-changes";
    if (e instanceof GitCommandError && /Not possible to fast-forward/.test(e.message)) return "head-moved";
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
    return email === HERALD_IDENTITY.email && parents.length >= 2;
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
  const lock = join(repo.gitDir, "index.lock");
  if (await stat(lock).then(() => true, () => false)) await rm(lock, { force: true });
  const head = await repo.head();
  if (head === j.from) await revertPartialCheckout(repo, j.from, j.to);
  await rm(path, { force: true });
  return "recovered";
}

async function revertPartialCheckout(repo: GitRepo, from: string, to: string): Promise<void> {
  // The index may be stale too: refresh it before asking git what differs.
  await repo.tryRun(["update-index", "-q", "--refresh"]);
  const changed = (await repo.run(["diff", "--name-only", "-z", from, to, "--"])).split("\0").filter(Boolean);
  const dirty = new Set((await repo.run(["status", "--porcelain", "-z", "--untracked-files=all"])).split("\0").filter(Boolean).map((l) => l.slice(3)));
  const reverted: string[] = [];
  for (const p of changed.filter((f) => dirty.has(f))) {
    const inTarget = await blobAt(repo, to, p);
    const onDisk = await repo.tryRun(["hash-object", "--", p]);
    const written = inTarget === null ? onDisk === null : onDisk?.trim() === inTarget;
    if (!written) continue; // a user's own edit: leave it alone
    if ((await blobAt(repo, from, p)) === null) await rm(join(repo.dir, p), { force: true });
    else await repo.run(["checkout", from, "--", p]);
    reverted.push(p);
  }
  // Index entries of those paths only (a checkout killed after writing the index): back to HEAD's.
  if (reverted.length) await repo.run(["reset", "-q", from, "--", ...reverted]);
}

async function blobAt(repo: GitRepo, commit: string, path: string): Promise<string | null> {
  const out = await repo.tryRun(["rev-parse", "--verify", "-q", `${commit}:${path}`]);
  return out?.trim() || null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
