// Ancestry questions answered from a few commit objects instead of a `git merge-base` process.
// Herald's questions are nearly always about neighbours ("is the commit a peer just pushed a child
// of HEAD?"), one or two parents apart. The walk is bounded: past `limit` commits, or at a commit
// this clone lacks (a shallow clone's edge), it answers null and the caller asks git, whose
// answer is the rule.
import type { CommitInfo } from "./cat-file.js";

export type LoadCommit = (sha: string) => Promise<CommitInfo | null>;

/** Whether `ancestor` is reachable from `tip` (a commit reaches itself); null when unsure. */
export async function reaches(load: LoadCommit, tip: string, ancestor: string, limit = 64): Promise<boolean | null> {
  if (tip === ancestor) return true;
  const seen = new Set([tip]);
  let frontier = [tip];
  let walked = 0;
  while (frontier.length) {
    const next: string[] = [];
    for (const sha of frontier) {
      if (++walked > limit) return null;
      const c = await load(sha);
      if (!c) return null;
      for (const p of c.parents) {
        if (p === ancestor) return true;
        if (!seen.has(p)) { seen.add(p); next.push(p); }
      }
    }
    frontier = next;
  }
  return false; // every ancestor of `tip` was seen, down to the roots
}

/** The commits of `from..to` when `to` descends from `from` through single-parent commits only
 * (a plain run of commits, no merge among them), newest first; null otherwise or when unsure. */
export async function linearRun(load: LoadCommit, from: string, to: string, limit = 64): Promise<string[] | null> {
  const run: string[] = [];
  for (let sha = to; sha !== from; ) {
    if (run.length >= limit) return null;
    const c = await load(sha);
    if (!c || c.parents.length !== 1) return null;
    run.push(sha);
    sha = c.parents[0]!;
  }
  return run;
}

/** `tips` and their ancestors, breadth-first (the nearest first), until about `limit` are seen or
 * the roots are reached. A commit this clone lacks ends its line. Unlike `reaches`, this never
 * says "unsure": the caller takes the set as a bounded view, not the whole history. */
export async function ancestorsWithin(load: LoadCommit, tips: readonly string[], limit: number): Promise<Set<string>> {
  const seen = new Set(tips);
  let layer = [...tips];
  while (layer.length && seen.size < limit) {
    const next: string[] = [];
    for (const sha of layer) {
      for (const p of (await load(sha))?.parents ?? []) {
        if (!seen.has(p)) { seen.add(p); next.push(p); }
      }
    }
    layer = next;
  }
  return seen;
}
