// What the user has staged, kept across Herald's `reset --keep`.
//
// `git reset --keep` resets the index entry of every path HEAD and the target agree on
// (git-reset(1), DISCUSSION: working A, index B, HEAD C, target C gives working A, index C). So a
// change the user had staged there (a new file added, an edit added) leaves the index while the
// work tree keeps it: their commit a moment later misses it, and a new file is left untracked
// (npm run bench, storm ring 8, about one run in five). Staged changes on a path the move does
// change make reset refuse instead, so every path it unstaged is one the move left alone, and
// staging them again on top of the target is exactly what the user had.
import type { IndexEdit } from "./keep-both.js";
import { indexInfo } from "./keep-both.js";
import { assertSha, type GitRepo } from "./repo.js";

/** The index's differences from `base` (`git diff-index --cached`), as the edits that make them. */
export async function stagedChanges(repo: GitRepo, env: Record<string, string>, base = "HEAD"): Promise<IndexEdit[]> {
  if (base !== "HEAD") assertSha(base);
  // `:oldmode newmode oldoid newoid status\0path\0`, one record per changed path.
  const raw = (await repo.run(["diff-index", "--cached", "-z", "--raw", "--no-renames", "--no-abbrev", base, "--"], env)).split("\0");
  const edits: IndexEdit[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [, mode, , oid, status] = raw[i]!.split(" ");
    const path = raw[i + 1]!;
    if (status === "D") edits.push({ op: "remove", path });
    else if (status === "A" || status === "M" || status === "T") edits.push({ op: "add", path, mode: mode!, oid: oid! });
  }
  return edits;
}

/** Stages `edits` again (entries without stat data: git reads those files afresh). */
export async function stageAgain(repo: GitRepo, env: Record<string, string>, edits: IndexEdit[]): Promise<void> {
  if (edits.length) await repo.run(["update-index", "-z", "--index-info"], env, indexInfo(edits));
}
