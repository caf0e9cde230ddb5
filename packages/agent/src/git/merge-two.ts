// One merge step of two heads, objects only: `git merge-tree --write-tree`, the keep-both edits
// in a private index, and `git commit-tree`. The work tree, the real index and HEAD are not
// touched, so an agent killed here leaves nothing half-done but loose objects.
//
// Every variant is one side's own version (exact-sides.ts): where merge-tree's stages are its own
// merge attempts, the step is made again from the two tips alone, and so is every criss-cross.
// And before the commit is made, no blob the merge itself wrote may hold conflict markers: a
// merge that would is refused, never committed (a commit is copied to every clone and cannot be taken back).
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { GitCommandError, HeraldError } from "../errors.js";
import { indexInfo, keepBoth, keeperOf, parseMergeTree, type IndexEdit, type MergeTreeResult, type ResolvedConflict, type TreeEntry } from "./keep-both.js";
import { hasConflictMarkers, hasForeignMarkers, mergeAttempts, writtenByMerge } from "./exact-sides.js";
import { TreeReader } from "./tree-reader.js";
import type { TreeWriter } from "./tree-writer.js";
import { gitmodulesEdits } from "./variant-gitmodules.js";
import { mergeOrtFailed, mergeTreeWithoutRenames } from "./merge-without-renames.js";
import { canonicalParents, mergeCommitSpec, type ParentInfo } from "./merge-commit.js";
import { conflictTrailer } from "./conflict-trailer.js";
import { assertSha, type GitRepo } from "./repo.js";
import type { MergeResult } from "./merge-heads.js";

/** `trees`: the merge's tree reader (mergeHeads hands one to every step: they share subtrees);
 * `writer`: the fold's tree writer (without one, edits go through a private index). */
export async function mergeTwo(repo: GitRepo, a: ParentInfo, b: ParentInfo, trees = new TreeReader((oid) => repo.object(oid)), writer?: TreeWriter): Promise<MergeResult> {
  const spec = mergeCommitSpec(a, b);
  const parents = spec.parents as [string, string];
  const [p1, p2] = parents;
  // The writer failing (a git that cannot, an object missing) leaves it to the index, and git's own words.
  const edit = (tree: string, edits: IndexEdit[]) => (writer ? writer.apply(tree, edits).catch(() => applyEdits(repo, tree, edits)) : applyEdits(repo, tree, edits));
  const tips = new Tips(trees, parents, keeperOf(canonicalParents([a, b])), edit);
  // A criss-cross (two or more merge bases) is merged from the two tips against one real base:
  // merge-ort's virtual base (the merge of the bases) can hold a version one side has, where the
  // two sides had settled the bases' disagreement differently (one kept a file or a line the
  // other removed); that side then looks unchanged and loses, cleanly and unreported (the merge
  // fuzzer, seed 2026 cases 114, 419 and 524). Against a real base every side's version that
  // differs from it is taken or kept whole, so nothing a side wrote is lost; the price is that
  // renames are not followed and both-changed files are kept as variants, not merged by line.
  const bases = (await repo.exec(["merge-base", "--all", p1, p2])).stdout.split("\n").filter(Boolean).map(assertSha).sort();
  /** The step made from the two tips against one real base, without rename detection. */
  const fromTips = async (how: { withoutRenames?: number; exactSides?: number }) =>
    commitStep(repo, spec, await resolve(repo, await mergeTreeWithoutRenames(repo, p1, p2, bases[0]), tips), tips, how);
  if (bases.length > 1) return fromTips({ exactSides: 1 });
  // Exit status 1 means "conflicts" (the tree is still written); anything else is a failure,
  // and merge-ort's own (a git bug) is worked around (merge-without-renames.ts).
  const r = await repo.exec(["merge-tree", "--write-tree", "-z", "--no-messages", p1, p2]);
  const merged = r.code === 1 || r.code === 0 ? parseMergeTree(r.stdout) : null;
  if (mergeOrtFailed(r, merged)) return fromTips({ withoutRenames: 1 });
  if (!merged) throw new GitCommandError(["merge-tree", p1, p2], r.code, r.stderr);
  const step = await resolve(repo, merged, tips);
  if (step.attempts || (await strayMarkers(repo, step.tree, tips)).length) return fromTips({ exactSides: 1 });
  return commitStep(repo, spec, step, tips, {}, true);
}

/** Commits the step's tree with the two parents, unless it would hold a marker no side wrote
 * (`checked`: the caller has just looked, and found none). */
async function commitStep(repo: GitRepo, spec: ReturnType<typeof mergeCommitSpec>, step: Step, tips: Tips, how: { withoutRenames?: number; exactSides?: number }, checked = false): Promise<MergeResult> {
  const [p1, p2] = tips.parents;
  const parents = tips.parents;
  const stray = checked ? [] : await strayMarkers(repo, step.tree, tips);
  if (stray.length) throw new HeraldError("MERGE_MARKERS", `refusing to commit a merge of ${p1} and ${p2}: it would hold conflict markers neither side wrote, in ${stray.join(", ")}`, { parents, paths: stray });
  const message = spec.message + conflictTrailer(step.conflicts);
  const commit = (await repo.run(["commit-tree", step.tree, "-p", p1, "-p", p2, "-m", message], spec.env)).trim();
  return { commit: assertSha(commit), conflicts: step.conflicts, ...how };
}

/** The parents' trees, read once and only when a check needs them. */
class Tips {
  #entries?: Promise<TreeEntry[][]>;
  #diffs = new Map<string, Promise<Array<Map<string, string>>>>();
  /** `keeper`: the parent whose version keeps the name at a conflicting path (keeperOf);
   * `edit`: writes a tree with edits applied. */
  constructor(readonly trees: TreeReader, readonly parents: [string, string], readonly keeper: 0 | 1, readonly edit: (tree: string, edits: IndexEdit[]) => Promise<string>) {}
  entries(): Promise<TreeEntry[][]> {
    return (this.#entries ??= Promise.all(this.parents.map((p) => this.trees.entries(p))));
  }
  /** What `tree` holds that each parent does not (diff-tree's A, M and T), made once for both checks. */
  diffs(tree: string): Promise<Array<Map<string, string>>> {
    let d = this.#diffs.get(tree);
    if (!d) this.#diffs.set(tree, (d = Promise.all(this.parents.map((p) => this.trees.changed(p, tree)))));
    return d;
  }
  async has(): Promise<[Set<string>, Set<string>]> {
    const [a, b] = await this.entries();
    return [new Set(a!.map((e) => `${e.mode} ${e.oid}`)), new Set(b!.map((e) => `${e.mode} ${e.oid}`))];
  }
}

interface Step { tree: string; conflicts: ResolvedConflict[]; attempts: number }

/** merge-tree's (or read-tree's) result with every conflict kept as each side's versions. */
async function resolve(repo: GitRepo, merged: MergeTreeResult, tips: Tips): Promise<Step> {
  let tree = assertSha(merged.tree);
  let conflicts: ResolvedConflict[] = [];
  let attempts = 0;
  if (merged.conflicted.length > 0) {
    attempts = mergeAttempts(merged.conflicted, await tips.has()).length;
    const resolved = keepBoth(merged.conflicted, tips.parents, tips.keeper, await tips.trees.entries(tree));
    conflicts = resolved.conflicts;
    tree = await tips.edit(tree, resolved.edits);
  }
  // A gitlink kept as a variant needs its .gitmodules entry; a clean merge keeps no variant.
  const entries = conflicts.length ? await tips.trees.entries(tree) : [];
  if (entries.some((e) => e.mode === "160000")) {
    const modules = await gitmodulesEdits(repo, entries, tips.parents);
    if (modules.length) tree = await tips.edit(tree, modules);
  }
  return { tree, conflicts, attempts };
}

/** Paths of blobs the merge wrote (in neither parent there) that hold conflict markers no tip has. */
async function strayMarkers(repo: GitRepo, tree: string, tips: Tips): Promise<string[]> {
  const [p1, p2] = tips.parents;
  const [fromFirst, fromSecond] = (await tips.diffs(tree)) as [Map<string, string>, Map<string, string>];
  const written = writtenByMerge(fromFirst, fromSecond).filter((e) => e.mode === "100644" || e.mode === "100755");
  const marked: typeof written = [];
  for (const e of written) {
    const body = (await repo.blob(e.oid)) ?? "";
    if (!hasConflictMarkers(body)) continue;
    const sides = await Promise.all([p1, p2].map(async (p) => {
      const oid = (await tips.trees.at(p, e.path))?.oid;
      return (oid && (await repo.blob(oid))) || "";
    }));
    if (hasForeignMarkers(body, sides)) marked.push(e);
  }
  if (!marked.length) return [];
  // A side that committed markers itself (a file about git, say) has them kept as it wrote them.
  const [a, b] = await tips.has();
  return marked.filter((e) => !a.has(`${e.mode} ${e.oid}`) && !b.has(`${e.mode} ${e.oid}`)).map((e) => e.path);
}

/** The edits applied through a private index: read-tree, update-index, write-tree. */
export async function applyEdits(repo: GitRepo, tree: string, edits: IndexEdit[]): Promise<string> {
  const index = join(repo.gitDir, "herald", `merge-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await repo.run(["read-tree", tree], env);
    await repo.run(["update-index", "-z", "--index-info"], env, indexInfo(edits));
    return assertSha((await repo.run(["write-tree"], env)).trim());
  } finally {
    await rm(index, { force: true });
  }
}
