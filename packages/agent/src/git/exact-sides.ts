// Pure: the checks that a merge keeps each side exactly. merge-ort does not always hand back each
// side's own version of a conflicting path: for a rename/rename(2to1) where a renamed file also
// conflicts in content (git's t6422 "check nested conflicts from rename/rename(2to1)"), and for
// nested conflicts in criss-cross histories (t6416 "check nested conflicts"), a "stage" is its own
// merge of that side's file with the other side's changes, markers and all. Kept as a variant,
// that is a version nobody wrote. These checks find it, so the merge can be made again from the
// two tips alone (merge-without-renames.ts), where every stage is a tip's own entry.
import type { StageEntry } from "./keep-both.js";

/** `mode oid` of every entry in a tip's tree: what that side really has, at any path. */
export type TipEntries = ReadonlySet<string>;

/**
 * The side entries (stages 2 and 3) of `conflicted` that are not an entry of that side's tip at
 * any path: merge-tree's own attempts. `tips` are the trees of the parents as given to merge-tree.
 */
export function mergeAttempts(conflicted: StageEntry[], tips: [TipEntries, TipEntries]): StageEntry[] {
  return conflicted.filter((e) => e.stage !== 1 && !tips[e.stage === 2 ? 0 : 1].has(`${e.mode} ${e.oid}`));
}

// git writes `<<<<<<<` and `>>>>>>>` (7 by default; more for a nested or inner conflict, t6416's
// 8-character ones) at the start of a line, then a space and a label or the line's end.
// `=======` alone is not taken as one: it underlines a Markdown heading.
const OPEN = /^<{7,}(?: |$)/m;
const CLOSE = /^>{7,}(?: |$)/m;

/** True when `body` holds a conflict hunk as git writes one: an opening and a closing marker line. */
export function hasConflictMarkers(body: Buffer | string): boolean {
  const text = typeof body === "string" ? body : body.toString("latin1");
  return OPEN.test(text) && CLOSE.test(text);
}

const MARKER_LINE = /^(?:<{7,}|>{7,})(?: .*)?$/;

/**
 * True when `merged` holds a conflict hunk with a marker line that none of `sides` (the sides'
 * versions of that path) has: markers the merge wrote. A file that is about conflict markers
 * (git's own test data, a guide) merges as any other, its markers being its authors'.
 */
export function hasForeignMarkers(merged: Buffer | string, sides: Array<Buffer | string>): boolean {
  if (!hasConflictMarkers(merged)) return false;
  const text = (b: Buffer | string) => (typeof b === "string" ? b : b.toString("latin1"));
  const known = new Set(sides.flatMap((b) => text(b).split("\n").filter((l) => MARKER_LINE.test(l))));
  return text(merged).split("\n").some((l) => MARKER_LINE.test(l) && !known.has(l));
}

/** Paths whose entry in the merge is in neither parent at that path: what the merge itself wrote. */
export function writtenByMerge(fromFirst: Map<string, string>, fromSecond: Map<string, string>): Array<{ path: string; mode: string; oid: string }> {
  const out: Array<{ path: string; mode: string; oid: string }> = [];
  for (const [path, entry] of fromFirst) {
    if (fromSecond.get(path) !== entry) continue;
    const [mode, oid] = entry.split(" ") as [string, string];
    out.push({ path, mode, oid });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
