// git's merge-ort fails an assertion on some patterns of renames, deletes and directory renames
// (git before 2.51, gitgitgadget/git#1943; Debian's 2.39 has it): `git merge-tree` aborts for
// that pair every time, and the clone could never merge again (npm run chaos, ring8-announce:
// one clone's merges aborted for the rest of the run, "process_renames: Assertion
// `source_deleted || oldinfo->filemask & old_sidemask' failed"). merge-ort takes no option that
// turns rename detection off (merge.renames and -X no-renames are not read by merge-tree), so the
// pair is merged the way git did before it: `git read-tree -m` of the merge base and both sides
// into a private index, git's trivial three-way rules, no rename detection. Every path left
// unmerged is handed back in merge-tree's shape, for keepBoth: a file renamed on one side and
// changed on the other is kept as both versions. Nothing in the work tree or real index is touched.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { parseStageEntry, type MergeTreeResult, type StageEntry } from "./keep-both.js";
import { assertSha, type GitRepo } from "./repo.js";

/** git's empty tree: the base of two histories with nothing in common. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** What merge-tree's stderr says when merge-ort itself failed (an assertion or a BUG()), not the merge. */
export const MERGE_ORT_FAILED = /Assertion `.*' failed|\bBUG: merge-ort/;

/**
 * Whether merge-tree's answer is merge-ort failing rather than a merge: an assertion or a BUG()
 * (exit status above 1), or, in a result with conflicts, a stage with no entry (mode 000000,
 * the null id) beside a null submodule pointer in the tree, which no index can hold (git 2.39;
 * the merge fuzzer, seed 2026 case 1728).
 */
export function mergeOrtFailed(r: { code: number; stderr: string }, merged: MergeTreeResult | null): boolean {
  if (r.code !== 0 && r.code !== 1) return MERGE_ORT_FAILED.test(r.stderr);
  return merged?.conflicted.some((e) => /^0+$/.test(e.oid)) ?? false;
}

/** `base`: the merge base to use (one of several in a criss-cross; none: histories with nothing in common). */
export async function mergeTreeWithoutRenames(repo: GitRepo, p1: string, p2: string, base: string = EMPTY_TREE): Promise<MergeTreeResult> {
  const index = join(repo.gitDir, "herald", `merge-index-${process.pid}-plain`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await repo.run(["read-tree", "-m", "-i", "--aggressive", assertSha(base), p1, p2], env);
    const all = (await repo.run(["ls-files", "-s", "-z"], env)).split("\0").filter(Boolean);
    const merged = all.filter((r) => / 0\t/.test(r.slice(0, r.indexOf("\t") + 1))).map((r) => r.slice(r.indexOf("\t") + 1));
    const unmerged = all.map(parseStageEntry).filter((e): e is StageEntry => e !== null);
    const conflicted = asideFromDirectories(unmerged, merged, [p1, p2]);
    // The unmerged paths leave the index (keepBoth puts back what each side had); the rest is the tree.
    const paths = [...new Set(unmerged.map((e) => e.path))];
    if (paths.length) await repo.run(["update-index", "-z", "--force-remove", "--stdin"], env, paths.map((p) => `${p}\0`).join(""));
    return { tree: assertSha((await repo.run(["write-tree"], env)).trim()), conflicted };
  } finally {
    await rm(index, { force: true });
  }
}

/**
 * read-tree leaves a file and a directory at one name both in the index, unmerged (one side made
 * `a` a file, the other changed `a/f`), and a tree cannot hold both: the file, put back at its
 * name by keepBoth, was lost under the directory. merge-ort moves such a file aside to
 * `path~<commit>`; so is it here, and keepBoth keeps it as a variant (file/directory).
 */
export function asideFromDirectories(conflicted: StageEntry[], merged: string[], parents: [string, string]): StageEntry[] {
  // What the tree will hold: the merged paths and each side's entry of a conflicted one.
  const kept = [...merged, ...conflicted.filter((e) => e.stage !== 1).map((e) => e.path)];
  const dirs = new Set<string>();
  for (const p of kept) for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  return conflicted.flatMap((e) => !dirs.has(e.path) ? [e] : e.stage === 1 ? [] : [{ ...e, path: `${e.path}~${parents[e.stage === 2 ? 0 : 1]}` }]);
}
