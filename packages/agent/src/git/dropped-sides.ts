// Pure: a side's change that a criss-cross merge drops without a word. With two or more merge
// bases, merge-ort merges the bases first into a virtual one (git's "recursive" idea). Where the
// bases disagree about a path and the two sides had settled that disagreement differently (one
// side kept the file it had changed, the other kept the delete), the virtual base may hold the
// very version one side has, so that side looks unchanged and the other side's delete wins,
// cleanly: the version that side wrote is gone, with no conflict reported. (Found by the merge
// fuzzer: a mode change against a delete across a criss-cross.) A version a side has that no
// real merge base had at that path is that side's work; the merge may not delete it unnoticed.

/** `git diff-tree -r -z --no-renames` output → path → `mode oid` of the old side, for each path deleted. */
export function deletedEntries(out: string): Map<string, string> {
  const parts = out.split("\0");
  const deleted = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const m = /^:(\d{6}) \d{6} ([0-9a-f]+) [0-9a-f]+ D/.exec(parts[i]!);
    if (m) deleted.set(parts[i + 1]!, `${m[1]} ${m[2]}`);
  }
  return deleted;
}

/**
 * Paths a side had that the merge deleted, the side's version (`mode oid`) nowhere else in what
 * the merge added or changed (a rename would have carried it): candidates, to be held against the
 * merge bases (droppedVersions). `deleted[i]`, `added[i]`: diff-tree of parent i against the merge.
 */
export function deletedSideVersions(deleted: [Map<string, string>, Map<string, string>], added: [Map<string, string>, Map<string, string>]): Array<{ side: 0 | 1; path: string; entry: string }> {
  const out: Array<{ side: 0 | 1; path: string; entry: string }> = [];
  for (const side of [0, 1] as const) {
    const moved = new Set(added[side].values());
    for (const [path, entry] of deleted[side]) if (!moved.has(entry)) out.push({ side, path, entry });
  }
  return out;
}

/**
 * The candidates whose version is in no merge base at that path: a side's own work that the merge
 * dropped. `bases[j]` maps the candidates' paths to `mode oid` in base j (absent: not there).
 * With one merge base merge-ort reports such a path as modify/delete itself; only two or more can
 * hide it.
 */
export function droppedVersions(candidates: Array<{ side: 0 | 1; path: string; entry: string }>, bases: Array<Map<string, string>>): Array<{ side: 0 | 1; path: string; entry: string }> {
  if (bases.length < 2) return [];
  return candidates.filter((c) => bases.every((b) => b.get(c.path) !== c.entry));
}
