// Merge heads into one commit using objects only: `git merge-tree --write-tree` (git >= 2.38), a
// private index for the keep-both edits, and `git commit-tree`. The work tree, the real index and
// HEAD are not touched, so an agent killed here leaves nothing half-done but loose objects.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { GitCommandError } from "../errors.js";
import { foldIntoVariants, indexInfo, keepBoth, parseMergeTree, type ResolvedConflict, type TreeEntry } from "./keep-both.js";
import { isVariantFileName } from "./variant-file-name.js";
import { MERGE_ORT_FAILED, mergeTreeWithoutRenames } from "./merge-without-renames.js";
import { canonicalParents, mergeCommitSpec } from "./merge-commit.js";
import { conflictTrailer, parseConflictTrailer } from "./conflict-trailer.js";
import { assertSha, HERALD_IDENTITY, type GitRepo } from "./repo.js";

export interface MergeResult {
  commit: string;
  conflicts: ResolvedConflict[];
  /** merge steps taken from KnownMerges instead of made (mergeHeads) */
  reused?: number;
  /** merge steps made without rename detection: merge-ort failed on them (merge-without-renames.ts) */
  withoutRenames?: number;
}

/**
 * Herald merges already in the object store, by their two parents in canonical order ("p1 p2").
 * A merge is a function of its parents (merge-commit.ts), so folding a pair that some node has
 * merged before gives that very commit: `userFrontier` records each merge it opens and
 * `mergeHeads` takes it instead of running merge-tree again. In a mesh the first node to fold
 * the heads pushes the result to the others, which then move to it without merging at all.
 */
export type KnownMerges = Map<string, string>;

/**
 * The heads that carry user work: Herald's own merges among `heads` are replaced by their parents
 * (repeatedly), keeping only independent commits. Two nodes that know the same user commits get
 * the same frontier, whatever intermediate merges each of them made on the way, so folding the
 * frontier gives every node the same commit and a mesh settles in one round instead of churning.
 * `keep` are never replaced: what a bare remote's branch holds. That branch only moves forward
 * (git refuses a non-fast-forward push), so a merge left behind there would make every later push
 * to it fail; kept whole, it is a parent of the next merge and the push fast-forwards.
 */
export async function userFrontier(repo: GitRepo, heads: string[], keep: ReadonlySet<string> = new Set(), known?: KnownMerges): Promise<string[]> {
  let set = [...heads];
  for (let depth = 0; depth < 256; depth++) {
    const out = await repo.run(["show", "-s", "--format=%H %ae %P", ...set, "--"]);
    const next = new Set<string>();
    let expanded = false;
    for (const line of out.trim().split("\n")) {
      const [sha, email, ...parents] = line.split(" ");
      if (email === HERALD_IDENTITY.email && parents.length >= 2 && !keep.has(sha!)) {
        parents.forEach((p) => next.add(assertSha(p)));
        // Two merges of one pair (another git, another Herald version): all take the smaller sha.
        const pair = parents.join(" "), had = known?.get(pair);
        if (parents.length === 2 && parents[0]! < parents[1]! && (!had || sha! < had)) known?.set(pair, assertSha(sha!));
        expanded = true;
      } else next.add(assertSha(sha!));
    }
    if (!expanded) return set.sort();
    set = await repo.independent([...next]);
  }
  return set.sort();
}

/** Folds the heads in canonical order: the result depends on the set of heads, not on who merges. */
export async function mergeHeads(repo: GitRepo, heads: string[], known: ReadonlyMap<string, string> = new Map()): Promise<MergeResult> {
  heads.forEach(assertSha);
  const info = await committerTimes(repo, heads);
  const sorted = canonicalParents(info);
  let acc = sorted[0]!;
  const conflicts: ResolvedConflict[] = [];
  let reused = 0, withoutRenames = 0;
  for (const next of sorted.slice(1)) {
    const known1 = await reuse(repo, known, acc.sha, next.sha);
    if (known1) reused++;
    const r = known1 ?? (await mergeTwo(repo, acc, next));
    conflicts.push(...r.conflicts);
    withoutRenames += r.withoutRenames ?? 0;
    acc = { sha: r.commit, committerTime: Math.max(acc.committerTime, next.committerTime) };
  }
  return { commit: acc.sha, conflicts, reused, withoutRenames };
}

/** The known merge of `a` and `b` (KnownMerges), if it still reads as one of Herald's. */
async function reuse(repo: GitRepo, known: ReadonlyMap<string, string>, a: string, b: string): Promise<MergeResult | null> {
  const sha = known.get(a < b ? `${a} ${b}` : `${b} ${a}`);
  const c = sha ? await repo.commit(sha).catch(() => null) : null;
  if (!c || c.authorEmail !== HERALD_IDENTITY.email || c.parents.length !== 2) return null;
  return { commit: sha!, conflicts: parseConflictTrailer(c.message) };
}

async function committerTimes(repo: GitRepo, shas: string[]): Promise<Array<{ sha: string; committerTime: number }>> {
  const out = await repo.run(["show", "-s", "--format=%H %ct", ...shas, "--"]);
  return out.trim().split("\n").map((l) => {
    const [sha, t] = l.split(" ");
    return { sha: assertSha(sha!), committerTime: Number(t) };
  });
}

async function mergeTwo(repo: GitRepo, a: { sha: string; committerTime: number }, b: { sha: string; committerTime: number }): Promise<MergeResult> {
  const spec = mergeCommitSpec(a, b);
  const [p1, p2] = spec.parents as [string, string];
  // Exit status 1 means "conflicts" (the tree is still written); anything else is a failure,
  // and merge-ort's own (a git bug) is worked around (merge-without-renames.ts).
  const r = await repo.exec(["merge-tree", "--write-tree", "-z", "--no-messages", p1, p2]);
  const plain = r.code !== 0 && r.code !== 1 && MERGE_ORT_FAILED.test(r.stderr);
  if (r.code !== 0 && r.code !== 1 && !plain) throw new GitCommandError(["merge-tree", p1, p2], r.code, r.stderr);
  const { tree, conflicted } = plain ? await mergeTreeWithoutRenames(repo, p1, p2) : parseMergeTree(r.stdout);
  let finalTree = assertSha(tree);
  let conflicts: ResolvedConflict[] = [];
  if (conflicted.length > 0) {
    const resolved = keepBoth(conflicted, [p1, p2]);
    conflicts = resolved.conflicts;
    finalTree = await applyEdits(repo, tree, resolved.edits);
  }
  const entries = await lsTree(repo, finalTree);
  if (entries.some((e) => isVariantFileName(e.path))) {
    const [a, b] = await Promise.all([p1, p2].map(async (p) => new Set((await lsTree(repo, p)).map((e) => e.path))));
    const folded = foldIntoVariants(entries, a!, b!, [p1, p2]);
    if (folded.edits.length) {
      finalTree = await applyEdits(repo, finalTree, folded.edits);
      conflicts = [...conflicts, ...folded.conflicts];
    }
  }
  const message = spec.message + conflictTrailer(conflicts);
  const commit = (await repo.run(["commit-tree", finalTree, "-p", p1, "-p", p2, "-m", message], spec.env)).trim();
  return { commit: assertSha(commit), conflicts, ...(plain ? { withoutRenames: 1 } : {}) };
}

async function applyEdits(repo: GitRepo, tree: string, edits: ReturnType<typeof keepBoth>["edits"]): Promise<string> {
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

async function lsTree(repo: GitRepo, treeish: string): Promise<TreeEntry[]> {
  const out = await repo.run(["ls-tree", "-r", "-z", "--full-tree", treeish]);
  return out.split("\0").filter(Boolean).map((rec) => {
    const tab = rec.indexOf("\t");
    const [mode, , oid] = rec.slice(0, tab).split(" ");
    return { mode: mode!, oid: oid!, path: rec.slice(tab + 1) };
  });
}
