// Pure: a side's work that a criss-cross merge drops without a word. With two or more merge
// bases, merge-ort merges the bases first into a virtual one (git's "recursive" idea). Where the
// two sides had settled the bases' disagreement differently (one kept a file the other deleted,
// one kept a line the other removed), the virtual base may hold the very version one side has, so
// that side looks unchanged and the other side's version wins, cleanly: what the first side has
// is gone, and no conflict says so. (Found by the merge fuzzer: a mode change against a delete,
// seed 2026 case 114; a line kept against its removal across a rename, case 419.)
//
// The rule: a side's own version of a path (an entry no merge base has at any path) must be in
// the merge somewhere, unless the merge holds something new at that path (a content merge of
// both sides' changes). Gone from the merge with the path deleted, or with the path holding the
// other side's version exactly, it was dropped.

/** `mode oid` by path of a tree. */
export type Entries = ReadonlyMap<string, string>;

export interface Dropped { side: 0 | 1; path: string; entry: string }

/** The side versions `merged` dropped, given the parents' trees and the merge bases' (two or more). */
export function droppedVersions(sides: [Entries, Entries], bases: Entries[], merged: Entries): Dropped[] {
  if (bases.length < 2) return []; // one merge base: merge-ort reports every such case itself
  const inBases = new Set(bases.flatMap((b) => [...b.values()]));
  const inMerge = new Set(merged.values());
  const has = sides.map((s) => new Set(s.values()));
  const out: Dropped[] = [];
  for (const side of [0, 1] as const) {
    const other = has[1 - side]!;
    for (const [path, entry] of sides[side]) {
      if (inBases.has(entry) || inMerge.has(entry)) continue;
      const now = merged.get(path);
      if (now === undefined || (other.has(now) && !has[side]!.has(now))) out.push({ side, path, entry });
    }
  }
  return out;
}
