// Move the checked-out branch forward to a commit that contains it, updating the work tree the way
// `git merge --ff-only` does: it refuses, rather than overwrite, any uncommitted change in a file
// it would touch, and it never leaves MERGE_HEAD behind. A journal written first lets the next
// start finish the move if the agent is killed half-way through the checkout (advance-recovery.ts).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GitCommandError } from "../errors.js";
import { isHeraldMerge } from "./merge-commit.js";
import { assertSha, type GitRepo } from "./repo.js";
import { keepWhatTheMoveDropped, movedTo } from "./kept-commits.js";
import { distrustingStat } from "./racy-index.js";

/** What advanceHead writes before it moves anything (advance-recovery.ts reads it at the next start). */
export interface Journal { from: string; to: string; branch: string; pid: number }

export const journalPath = (repo: GitRepo): string => join(repo.gitDir, "herald", "advance.json");

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
      await distrustingStat(repo.gitDir, () => repo.run(["-c", "maintenance.auto=false", "merge", "--ff-only", "--no-edit", "-q", to])); // racy-index.ts
      return "advanced";
    }
    // Not a fast-forward: only Herald's own merges may be left behind (their parents are all in
    // `to`); a user commit never is. A two-tree `read-tree -m -u` updates only the files that
    // differ and refuses rather than touch a file with uncommitted changes, as `reset --keep` does,
    // but it keeps what the user has staged: reset --keep resets the index entries of the paths
    // both merges agree on (git-reset(1), DISCUSSION), and a user's add followed by their commit
    // then missed their change (npm run bench, storm ring 8).
    if (!(await onlyHeraldMergesBetween(repo, to, from))) return "head-moved";
    if ((await repo.head()) !== from) return "head-moved"; // checked again: the window is a spawn wide
    await distrustingStat(repo.gitDir, () => repo.run(["read-tree", "-m", "-u", from, to])); // racy-index.ts
    // The branch moves after the index, as reset moves it, and with reset's words in the reflog
    // (kept-commits.ts reads them).
    await repo.run(["update-ref", "-m", movedTo(to), "HEAD", to]);
    // No expected old value, as reset gives none: a commit the user made since our look at HEAD is
    // kept for the next merge rather than moved back to (kept-commits.ts).
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
