// Who wrote each side of a conflict, and which side is "ours". A variant's `from` is one parent
// of the merge; when several heads were folded at once it is itself a Herald merge, whose author
// (herald@localhost) says nothing, so the commits on that side that changed the path speak instead.
import type { GitRepo } from "../git/repo.js";
import { LITERAL } from "./clone.js";

const HERALD_EMAIL = "herald@localhost";

export interface Person { name: string; email: string }

export interface Side {
  from: string;
  /** Author of `from`, or of the side's own commits to the path when `from` is a Herald merge. */
  authors: Person[];
  /** `from`'s author is this clone's user.email (the first test for "ours"). */
  fromIsMine: boolean;
  /** One of the side's commits to the path is by user.email (the fallback). */
  touchedByMe: boolean;
  /** `from` or one of those commits was made on this clone (reflog): the tie-breaker when one
   * person commits on two machines under one email. */
  thisClone: boolean;
}

const parsePeople = (out: string) => out.split("\n").filter(Boolean).map((l) => {
  const [sha, email, name] = l.split("\t");
  return { sha: sha!, email: (email ?? "").toLowerCase(), name: name ?? "" };
});

/** The merge's parents (the two sides), or [] if the merge is not in this clone. */
export async function mergeParents(repo: GitRepo, merge: string): Promise<string[]> {
  const out = await repo.tryRun(["rev-list", "--parents", "-n", "1", merge, "--"]);
  return out?.trim().split(" ").slice(1) ?? [];
}

export async function describeSide(repo: GitRepo, path: string, from: string, other: string | undefined, me: string | null, local: ReadonlySet<string>): Promise<Side> {
  const [head] = parsePeople((await repo.tryRun(["show", "-s", "--format=%H%x09%ae%x09%an", from, "--"])) ?? "");
  // The side's own commits to the path since it forked from the other side (a few are enough).
  const range = other ? [from, `^${other}`] : [from];
  const own = parsePeople(await repo.run(["log", "--no-merges", "-n", "20", "--format=%H%x09%ae%x09%an", ...range, "--", path], LITERAL).catch(() => ""));
  const heraldMerge = !head || head.email === HERALD_EMAIL;
  const people = heraldMerge ? own : [head];
  const seen = new Set<string>();
  const authors = people.filter((p) => !seen.has(p.email) && seen.add(p.email)).map(({ name, email }) => ({ name, email }));
  return {
    from,
    authors,
    fromIsMine: !heraldMerge && me !== null && head.email === me,
    touchedByMe: me !== null && own.some((c) => c.email === me),
    thisClone: local.has(from) || own.some((c) => local.has(c.sha)),
  };
}

/**
 * Index of our side among two, or null when the tests cannot tell: the first test that is true
 * for exactly one side decides (from's author, then the side's commits, then this clone's reflog).
 */
export function oursIndex(sides: Side[]): number | null {
  if (sides.length !== 2) return null;
  for (const test of [(s: Side) => s.fromIsMine, (s: Side) => s.touchedByMe, (s: Side) => s.thisClone]) {
    const hits = sides.map(test);
    if (hits[0] !== hits[1]) return hits[0] ? 0 : 1;
  }
  return null;
}

export function formatAuthors(authors: Person[]): string {
  if (authors.length === 0) return "unknown author";
  return authors.slice(0, 3).map((a) => a.email || a.name).join(", ") + (authors.length > 3 ? ", …" : "");
}
