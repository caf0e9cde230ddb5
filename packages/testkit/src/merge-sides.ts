// The chaos suite's "sides dropped" figure, checked from the commits alone: for every two-parent
// merge in a history, git merge-tree (git-merge-tree(1), --write-tree) names the conflicting paths
// and each side's version there (index stages 2 and 3, renames followed); each of those blobs must
// be somewhere in the merge's tree, under its name or as a variant. A side that deleted the path
// has no stage, so nothing to keep.
//
// A version that a merge base already holds is not that side's work. In a criss-cross (two or
// more bases) merge-tree's virtual base is the bases' own merge, where a path both bases changed
// is a conflict; a side that still has one base's version then shows as a stage, though the other
// side's user wrote over that very version (chaos seed 16, ring 5, under load: b3.bin held 9df2 on
// c2, written over d914, which the other parent had from base 56678bd). Herald's merge takes the
// newer one, as git's merge from either real base does; the check counted d914 as dropped.
// Nothing a base holds is lost by a merge: it is in the history the merge keeps.
import { gitExec, gitRun } from "./merge-fuzz/git.js";

export interface DroppedSides {
  /** conflicting paths' side versions looked at */
  checked: number;
  /** of those, the ones in neither the merge's tree nor a merge base's */
  dropped: number;
  /** up to three, as `<merge> <path>` */
  examples: string[];
}

export async function droppedSides(dir: string, rev = "HEAD"): Promise<DroppedSides> {
  const lines = (s: string) => s.split("\n").filter(Boolean);
  const blobsOf = async (tree: string) => new Set(lines(await gitRun(dir, ["ls-tree", "-r", "--format=%(objectname)", tree])));
  const merges = lines(await gitRun(dir, ["rev-list", "--merges", "--parents", rev])).map((l) => l.split(" "));
  const out: DroppedSides = { checked: 0, dropped: 0, examples: [] };
  for (const [m, p1, p2, ...more] of merges) {
    if (more.length || !p1 || !p2 || !m) continue;
    // Exit status 1 means "conflicts": the output is what we want either way.
    const r = await gitExec(dir, ["merge-tree", "--write-tree", "-z", "--no-messages", p1, p2]);
    if (r.code !== 0 && r.code !== 1) throw new Error(`git merge-tree ${p1} ${p2} in ${dir} exited ${r.code}: ${r.stderr.trim()}`);
    const sides = r.stdout.split("\0").slice(1).filter(Boolean)
      .map((rec) => /^\d+ ([0-9a-f]+) ([123])\t(.*)$/s.exec(rec))
      .filter((x): x is RegExpExecArray => x !== null && x[2] !== "1");
    if (!sides.length) continue;
    const kept = await blobsOf(m);
    let inBases: Set<string> | undefined;
    for (const [, blob, , path] of sides) {
      out.checked++;
      if (kept.has(blob!)) continue;
      inBases ??= new Set((await Promise.all(lines(await gitRun(dir, ["merge-base", "--all", p1, p2])).map(blobsOf))).flatMap((s) => [...s]));
      if (inBases.has(blob!)) continue;
      out.dropped++;
      if (out.examples.length < 3) out.examples.push(`${m.slice(0, 10)} ${path}`);
    }
  }
  return out;
}
