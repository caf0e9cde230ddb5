// Pure: turn the conflicts `git merge-tree --write-tree -z` reports into index edits that keep
// every side's version as a file and never leave a conflict marker in the tree.
//
// merge-tree's tree holds a marker-laden blob for content conflicts; every conflicted path is
// listed with its stages (1 base, 2 first parent, 3 second parent; git-merge-tree(1) "Conflicted
// file info"). We replace each such path by clean blobs only: the path keeps one side's version
// (the side `keeper` names, the same on every node), the other side's version goes beside it as
// a variant, as Syncthing keeps one version at the name and renames the other.
import { variantFileName } from "./variant-file-name.js";

export interface StageEntry { mode: string; oid: string; stage: 1 | 2 | 3; path: string }
export interface MergeTreeResult { tree: string; conflicted: StageEntry[] }

/** `tree\0(mode oid stage\tpath\0)*\0messages…` (git-merge-tree(1), OUTPUT with -z). */
export function parseMergeTree(out: string): MergeTreeResult {
  const parts = out.split("\0");
  const tree = parts[0]?.trim() ?? "";
  const conflicted: StageEntry[] = [];
  for (const p of parts.slice(1)) {
    const e = parseStageEntry(p);
    if (!e) break; // the empty separator before the informational messages
    conflicted.push(e);
  }
  return { tree, conflicted };
}

/** One `<mode> <oid> <stage>\t<path>` record, as merge-tree and `ls-files -u -z` print them. */
export function parseStageEntry(rec: string): StageEntry | null {
  const m = /^(\d{6}) ([0-9a-f]{40,64}) ([123])\t(.+)$/s.exec(rec);
  return m ? { mode: m[1]!, oid: m[2]!, stage: Number(m[3]) as 1 | 2 | 3, path: m[4]! } : null;
}

export type IndexEdit = { op: "remove"; path: string } | { op: "add"; path: string; mode: string; oid: string };

export type ConflictKind = "content" | "add/add" | "modify/delete" | "file/directory" | "rename";

export interface ResolvedConflict {
  path: string;
  kind: ConflictKind;
  /**
   * Files now in the tree that hold a version of `path`, each with the parent it came from. The
   * one whose `file` is `path` itself is the version that kept the name; it is listed first.
   */
  variants: Array<{ file: string; from: string }>;
}

/**
 * Which parent keeps the name at a conflicting path: the one with the newer commit (its committer
 * date, which the merge commit is made from too), the first in canonical order on a tie. A
 * function of the two commits alone, so every node keeps the same version there.
 */
export function keeperOf(parents: ReadonlyArray<{ sha: string; committerTime: number }>): 0 | 1 {
  const [a, b] = parents as [{ sha: string; committerTime: number }, { sha: string; committerTime: number }];
  if (a.committerTime !== b.committerTime) return a.committerTime > b.committerTime ? 0 : 1;
  return a.sha <= b.sha ? 0 : 1;
}

/**
 * `parents` are the two commits as given to merge-tree (stage 2 = parents[0], stage 3 = parents[1]);
 * `keeper` is the index of the one whose version stays at a path both changed (keeperOf).
 * merge-tree moves a file out of a directory's way to `path~<label>`; the labels are those commits.
 * `tree` is the merged tree's entries: a file whose path is a directory there or among the
 * conflicted paths (a directory/file conflict as `git read-tree -m` leaves it, in place) is kept
 * beside the directory as a variant too; written at its path, it would replace the directory.
 * A variant never takes a name that holds something else: a variant file a side kept from an
 * earlier conflict, and then edited, is that side's work (variantName).
 */
export function keepBoth(conflicted: StageEntry[], parents: [string, string], keeper: 0 | 1 = 0, tree: Iterable<TreeEntry> = []): { edits: IndexEdit[]; conflicts: ResolvedConflict[] } {
  const byPath = new Map<string, Map<number, StageEntry>>();
  for (const e of conflicted) {
    const stages = byPath.get(e.path) ?? new Map<number, StageEntry>();
    stages.set(e.stage, e);
    byPath.set(e.path, stages);
  }
  const edits: IndexEdit[] = [];
  const conflicts: ResolvedConflict[] = [];
  const from = (stage: number) => parents[stage === 2 ? 0 : 1];
  const dirs = new Set<string>();
  const at = new Map<string, string>();
  for (const e of tree) if (!byPath.has(e.path)) at.set(e.path, `${e.mode} ${e.oid}`);
  for (const p of [...at.keys(), ...byPath.keys()]) for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  const name = (path: string, s: StageEntry) => variantName(path, s, (file) => byPath.has(file) || dirs.has(file) ? "taken" : at.get(file));
  const add = (path: string, s: StageEntry) => {
    edits.push({ op: "add", path, mode: s.mode, oid: s.oid });
    at.set(path, `${s.mode} ${s.oid}`);
  };
  for (const [path, stages] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ours = stages.get(2), theirs = stages.get(3);
    if (ours && theirs) {
      edits.push({ op: "remove", path });
      if (ours.oid === theirs.oid && ours.mode === theirs.mode) {
        edits.push({ op: "add", path, mode: ours.mode, oid: ours.oid });
        continue;
      }
      // The keeper's version (content, mode, link or gitlink) stays at the path; the other's beside it.
      const [kept, other] = keeper === 0 ? [ours, theirs] : [theirs, ours];
      const variants = [{ file: path, from: from(kept.stage), s: kept }, { file: name(path, other), from: from(other.stage), s: other }];
      for (const v of variants) add(v.file, v.s);
      conflicts.push({ path, kind: stages.has(1) ? "content" : "add/add", variants: variants.map(({ file, from }) => ({ file, from })) });
      continue;
    }
    const only = ours ?? theirs;
    if (!only) {
      // Only a base version: the path was renamed away on both sides (rename/rename source).
      edits.push({ op: "remove", path });
      continue;
    }
    const moved = parents.map((p) => `~${p}`).find((suffix) => path.endsWith(suffix)) ?? (dirs.has(path) ? "" : undefined);
    if (moved !== undefined) {
      // File/directory: a path cannot be both, and git keeps the directory there (it may hold
      // files of both sides); the file it moved aside to `path~<commit>` gets a variant name.
      const original = path.slice(0, path.length - moved.length);
      const file = name(original, only);
      edits.push({ op: "remove", path });
      add(file, only);
      conflicts.push({ path: original, kind: "file/directory", variants: [{ file, from: from(only.stage) }] });
    } else {
      // Modified on one side and deleted on the other, or one side of a rename/rename: the version
      // that exists stays where it is (merge-tree already left it in the tree; nothing is lost).
      edits.push({ op: "remove", path }, { op: "add", path, mode: only.mode, oid: only.oid });
      conflicts.push({ path, kind: stages.has(1) ? "modify/delete" : "rename", variants: [{ file: path, from: from(only.stage) }] });
    }
  }
  return { edits, conflicts };
}

/**
 * The variant name for a side's version at `path`: its usual name (variant-file-name.ts), unless
 * `holder(name)` says that name already holds something else in the merge ("mode oid", or
 * "taken" for a directory or another conflicted path); then the next of its other names. Seen in
 * the merge fuzzer (seed 2026, case 3192): a side edited `f.variant-X`, kept from an earlier
 * conflict, and a later conflict at `f` named the other side's version `f.variant-X` again; the
 * edits were overwritten.
 */
export function variantName(path: string, s: { mode: string; oid: string }, holder: (name: string) => string | undefined): string {
  for (let retry = 0; ; retry++) {
    const file = variantFileName(path, s.oid, s.mode, 8, retry);
    const held = holder(file);
    if (held === undefined || held === `${s.mode} ${s.oid}`) return file;
  }
}

/** Records for `git update-index -z --index-info` (mode 0 removes a path; NUL-terminated, so any path is safe). */
export function indexInfo(edits: IndexEdit[]): string {
  return edits.map((e) => e.op === "remove"
    ? `0 ${"0".repeat(40)}\t${e.path}\0`
    : `${e.mode} ${e.oid}\t${e.path}\0`).join("");
}

export interface TreeEntry { mode: string; oid: string; path: string }
