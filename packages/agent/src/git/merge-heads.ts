// Merge heads into one commit, one pair at a time in canonical order (merge-two.ts makes each
// step from objects only; the work tree, the real index and HEAD are not touched).
import type { ResolvedConflict } from "./keep-both.js";
import { mergeTwo } from "./merge-two.js";
import { TreeReader } from "./tree-reader.js";
import { TreeWriter } from "./tree-writer.js";
import { canonicalParents, isHeraldMerge } from "./merge-commit.js";
import { parseConflictTrailer } from "./conflict-trailer.js";
import { assertSha, HERALD_IDENTITY, type GitRepo } from "./repo.js";
import type { CommitInfo } from "./cat-file.js";

export interface MergeResult {
  commit: string;
  conflicts: ResolvedConflict[];
  /** merge steps taken from KnownMerges instead of made (mergeHeads) */
  reused?: number;
  /** merge steps made without rename detection: merge-ort failed on them (merge-without-renames.ts) */
  withoutRenames?: number;
  /** merge steps made again from the two tips alone: merge-tree's stages were its own merge attempts (exact-sides.ts), or the two have more than one merge base (merge-two.ts) */
  exactSides?: number;
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
    const next = new Set<string>();
    let expanded = false;
    for (const { sha, authorEmail: email, parents } of await commitsOf(repo, set)) {
      if (isHeraldMerge({ authorEmail: email, parents }) && !keep.has(sha!)) {
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

/** A fold given up between two steps because its heads are no longer the ones to merge. */
export class FoldSuperseded extends Error {
  constructor(readonly stepsDone: number) { super(`fold superseded after ${stepsDone} steps`); }
}

export interface FoldOptions {
  /** Asked before each step: true gives the fold up (FoldSuperseded). A fold is objects only,
   * so nothing is left half-done; the steps made stay in `made` for the next fold. */
  superseded?: () => Promise<boolean>;
  /** Every step made is added here ("p1 p2" → merge), so that a later fold takes it. */
  made?: KnownMerges;
}

/** Folds the heads in canonical order: the result depends on the set of heads, not on who merges. */
export async function mergeHeads(repo: GitRepo, heads: string[], known: ReadonlyMap<string, string> = new Map(), opts: FoldOptions = {}): Promise<MergeResult> {
  heads.forEach(assertSha);
  const info = await committerTimes(repo, heads);
  const sorted = canonicalParents(info);
  let acc = sorted[0]!;
  const conflicts: ResolvedConflict[] = [];
  let reused = 0, withoutRenames = 0, exactSides = 0;
  const trees = new TreeReader((oid) => repo.object(oid)); // the steps share most subtrees; dropped with the fold
  const writer = new TreeWriter(repo.dir, (tree) => trees.list(tree)); // one mktree process for the fold
  try {
    for (const [i, next] of sorted.slice(1).entries()) {
      const known1 = await reuse(repo, known, acc.sha, next.sha);
      if (known1) reused++;
      else if (await opts.superseded?.()) throw new FoldSuperseded(i);
      const r = known1 ?? (await mergeTwo(repo, acc, next, trees, writer));
      if (!known1) opts.made?.set(acc.sha < next.sha ? `${acc.sha} ${next.sha}` : `${next.sha} ${acc.sha}`, r.commit);
      conflicts.push(...r.conflicts);
      withoutRenames += r.withoutRenames ?? 0;
      exactSides += r.exactSides ?? 0;
      acc = { sha: r.commit, committerTime: Math.max(acc.committerTime, next.committerTime) };
    }
  } finally {
    writer.close();
  }
  return { commit: acc.sha, conflicts, reused, withoutRenames, ...(exactSides ? { exactSides } : {}) };
}

/** The known merge of `a` and `b` (KnownMerges), if it still reads as one of Herald's. */
async function reuse(repo: GitRepo, known: ReadonlyMap<string, string>, a: string, b: string): Promise<MergeResult | null> {
  const sha = known.get(a < b ? `${a} ${b}` : `${b} ${a}`);
  const c = sha ? await repo.commit(sha).catch(() => null) : null;
  if (!c || !isHeraldMerge(c) || c.parents.length !== 2) return null;
  return { commit: sha!, conflicts: parseConflictTrailer(c.message) };
}

async function committerTimes(repo: GitRepo, shas: string[]): Promise<Array<{ sha: string; committerTime: number }>> {
  return (await commitsOf(repo, shas)).map(({ sha, committerTime }) => ({ sha, committerTime }));
}

/**
 * The commits' author, parents and committer date, from the clone's cat-file process (no git
 * process per merge); `git show` answers when that process cannot (it failed, or a commit is not
 * there, which git then names in its error).
 */
async function commitsOf(repo: GitRepo, shas: string[]): Promise<Array<{ sha: string } & CommitInfo>> {
  const read = await Promise.all(shas.map((sha) => repo.commit(sha).catch(() => null)));
  if (read.every((c) => c !== null)) return read.map((c, i) => ({ sha: shas[i]!, ...c! }));
  const out = await repo.run(["show", "-s", "--format=%H%x00%ae%x00%P%x00%ct", ...shas, "--"]);
  return out.trim().split("\n").map((l) => {
    const [sha, authorEmail, parents, ct] = l.split("\0");
    return { sha: assertSha(sha!), authorEmail: authorEmail!, parents: parents ? parents.split(" ") : [], committerTime: Number(ct), message: "" };
  });
}
