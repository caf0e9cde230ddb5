// An index written back from before Herald moved the branch, and the move made again in it.
//
// `git commit` reads the index before it takes index.lock (builtin/commit.c, prepare_index:
// read_cache_preload, then hold_locked_index). When Herald moves the branch in between, the
// commit writes back the index it read, from before the move, and then fails on HEAD ("cannot
// lock ref 'HEAD': is at TO but expected FROM"). HEAD and the work tree are then at TO and the
// index at FROM for every path the move changed: the move's new files show as untracked, its
// changed ones as modified, and the user's next `git commit` would commit the move undone, which
// every clone would then take. Herald's next merge stopped at those files for good (npm run bench,
// storm ring 8: `?? own/c6-r0.txt` after the user's commit failed as the branch moved).
//
// Such an index holds the move's FROM entry at every path the move changed, and whatever the user
// staged elsewhere. The move is made again in it by setting those paths to TO's entries (`git
// update-index --index-info`), every other entry as it is. The work tree is already at TO and is
// not touched (`git read-tree -m FROM TO` would refuse: the work tree differs from the entries).
// The entries come without stat data, so git compares those files by content next time.
import { indexInfo, type IndexEdit } from "./keep-both.js";
import type { GitRepo } from "./repo.js";
import { assertSha } from "./repo.js";

/** One path the move changed: its `mode oid` before and after (undefined: absent). */
export interface MovedPath { path: string; from?: string; to?: string }

/** Pure: the index (path → `mode oid`, stage 0; an unmerged path maps to "unmerged") holds FROM's
 * entry at every path the move changed. No paths: nothing to tell by. */
export function undoesTheMove(moved: MovedPath[], index: ReadonlyMap<string, string>): boolean {
  return moved.length > 0 && moved.every((m) => index.get(m.path) === m.from);
}

/** Pure: `git diff-tree -r -z --no-renames` output as the paths it changed. */
export function parseDiffTree(out: string): MovedPath[] {
  const parts = out.split("\0");
  const moved: MovedPath[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) [A-Z]/.exec(parts[i]!);
    if (!m) break;
    const entry = (mode: string, oid: string) => (/^0+$/.test(mode) ? undefined : `${mode} ${oid}`);
    moved.push({ path: parts[i + 1]!, from: entry(m[1]!, m[3]!), to: entry(m[2]!, m[4]!) });
  }
  return moved;
}

/** Pure: `git ls-files -s -z` output as path → `mode oid` (stage 0), "unmerged" otherwise. */
export function parseIndex(out: string): Map<string, string> {
  const index = new Map<string, string>();
  for (const rec of out.split("\0")) {
    const m = /^(\d{6}) ([0-9a-f]+) ([0-3])\t(.*)$/s.exec(rec);
    if (m) index.set(m[4]!, m[3] === "0" ? `${m[1]} ${m[2]}` : "unmerged");
  }
  return index;
}

/** Pure: the index edits that set every moved path to TO's entry (removals first: a file that
 * became a directory). */
export function redoEdits(moved: MovedPath[]): IndexEdit[] {
  const removals: IndexEdit[] = moved.filter((m) => m.to === undefined).map((m) => ({ op: "remove", path: m.path }));
  const adds: IndexEdit[] = moved.filter((m) => m.to !== undefined).map((m) => {
    const [mode, oid] = m.to!.split(" ") as [string, string];
    return { op: "add", path: m.path, mode, oid };
  });
  return [...removals, ...adds];
}

/** When the index is the move from `from` to `to` undone, and HEAD is at `to`: the move made again
 * in the index. "redone", "fine" (nothing to do), or "moved-on" (HEAD is elsewhere now).
 * `still`: asked just before the index is written (false: leave it; the caller looks again). */
export async function redoUndoneMove(repo: GitRepo, from: string, to: string, still: () => boolean = () => true): Promise<"redone" | "fine" | "moved-on"> {
  assertSha(from); assertSha(to);
  if ((await repo.head()) !== to) return "moved-on";
  const [diff, ls] = await Promise.all([
    repo.run(["diff-tree", "-r", "-z", "--no-renames", from, to]),
    repo.run(["ls-files", "-s", "-z"]),
  ]);
  const moved = parseDiffTree(diff);
  if (!undoesTheMove(moved, parseIndex(ls))) return "fine";
  if ((await repo.head()) !== to) return "moved-on";
  if (!still()) return "fine";
  await repo.run(["update-index", "-z", "--index-info"], undefined, indexInfo(redoEdits(moved)));
  return "redone";
}
