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

const EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

/** What the index holds that `base` does not: edits to stage again, and paths the user marked with
 * `git add -N` (an intent to add, which is not staged content: made a staged empty file, the
 * user's next commit would hold an empty file). */
export interface Staged { edits: IndexEdit[]; intentToAdd: string[] }

async function diffCached(repo: GitRepo, env: Record<string, string>, base: string, extra: string[] = []): Promise<Array<{ status: string; mode: string; oid: string; path: string }>> {
  // `:oldmode newmode oldoid newoid status\0path\0`, one record per changed path.
  const raw = (await repo.run(["diff-index", "--cached", "-z", "--raw", "--no-renames", "--no-abbrev", ...extra, base, "--"], env)).split("\0");
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [, mode, , oid, status] = raw[i]!.split(" ");
    out.push({ status: status!, mode: mode!, oid: oid!, path: raw[i + 1]! });
  }
  return out;
}

/** The index's differences from `base` (`git diff-index --cached`). */
export async function stagedChanges(repo: GitRepo, env: Record<string, string>, base = "HEAD"): Promise<Staged> {
  if (base !== "HEAD") assertSha(base);
  const all = await diffCached(repo, env, base);
  // An intent to add reads as a new empty file; so does an empty file really added. Only then is
  // git asked again with intents left out (`--ita-invisible-in-index`, git-diff(1)).
  let intentToAdd: string[] = [];
  if (all.some((e) => e.status === "A" && e.oid === EMPTY_BLOB)) {
    const real = new Set((await diffCached(repo, env, base, ["--ita-invisible-in-index"])).map((e) => e.path));
    intentToAdd = all.filter((e) => e.status === "A" && e.oid === EMPTY_BLOB && !real.has(e.path)).map((e) => e.path);
  }
  const edits: IndexEdit[] = [];
  for (const e of all) {
    if (intentToAdd.includes(e.path)) continue;
    if (e.status === "D") edits.push({ op: "remove", path: e.path });
    else if (e.status === "A" || e.status === "M" || e.status === "T") edits.push({ op: "add", path: e.path, mode: e.mode, oid: e.oid });
  }
  return { edits, intentToAdd };
}

/** Stages the edits again (entries without stat data: git reads those files afresh), and marks the
 * intents to add again where their files still are. */
export async function stageAgain(repo: GitRepo, env: Record<string, string>, staged: Staged): Promise<void> {
  if (staged.edits.length) await repo.run(["update-index", "-z", "--index-info"], env, indexInfo(staged.edits));
  if (staged.intentToAdd.length) {
    await repo.exec(["add", "-N", "--pathspec-from-file=-", "--pathspec-file-nul"], { ...env, GIT_LITERAL_PATHSPECS: "1" }, staged.intentToAdd.map((p) => `${p}\0`).join(""));
  }
}
