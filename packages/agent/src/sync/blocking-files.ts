// Which of the user's uncommitted changes hold a merge back: the paths `git merge --ff-only` /
// `git reset --keep` refuse to overwrite are those the move changes (git diff HEAD..target) that
// are modified, staged, deleted or untracked in the work tree (git status). Read-only.
import type { GitRepo } from "../git/repo.js";

/** A merge the user's uncommitted edits hold back, and the files they hold it back with. */
export interface BlockedMerge { sha: string; files: string[] }

export async function blockingFiles(repo: GitRepo, head: string, target: string): Promise<string[]> {
  const [changed, status] = await Promise.all([
    repo.tryRun(["diff", "--name-only", "-z", "--no-renames", head, target, "--"]),
    repo.tryRun(["status", "--porcelain", "-z", "--untracked-files=all", "--no-renames"]),
  ]);
  const moving = new Set((changed ?? "").split("\0").filter(Boolean));
  return (status ?? "").split("\0").filter(Boolean).map((l) => l.slice(3)).filter((p) => moving.has(p)).sort();
}
