// Pure: the git-annex keys a change brings. A locked annexed file is a symlink whose target ends
// in `.git/annex/objects/Xx/Yy/KEY/KEY` (git-annex doc/internals/key_format); the key names the
// content, and its `-sNNN` field its size. Keys come from peers' commits, so each is checked
// before it ever reaches git-annex's argv.

import { createHash } from "node:crypto";

/** BACKEND[-sSIZE][-mMTIME][-Sn-Cn]--NAME (git-annex doc/internals/key_format.mdwn). */
const KEY = /^[A-Z0-9]{2,20}(?:-[smSC][0-9]+)*--[A-Za-z0-9._+=,~-]{1,200}$/;

export function isAnnexKey(s: string): boolean {
  return KEY.test(s) && !s.includes("..");
}

/** The key a symlink target (or an unlocked file's pointer) names, or null when it names none. */
export function keyFromLink(target: string): string | null {
  target = target.trim();
  if (target.includes("\n") || !/(^|\/)annex\/objects\//.test(target)) return null;
  const key = target.replace(/\/+$/, "").split("/").pop()!;
  return isAnnexKey(key) ? key : null;
}

/** The size a key records (`-s` field), or null when the backend did not record one. */
export function keySize(key: string): number | null {
  const m = /^[A-Z0-9]+(?:-[smSC][0-9]+)*?-s([0-9]+)(?:-|$)/.exec(key);
  return m ? Number(m[1]) : null;
}

/** `pointer`: a regular file, which is an annex pointer when small and naming a key (unlocked). */
export interface ChangedLink { path: string; blob: string; pointer: boolean }

/** Pointer files are one line (git-annex doc/internals: "/annex/objects/KEY"); bigger blobs are content. */
export const MAX_POINTER_BYTES = 512;

/**
 * Symlinks and regular files added or changed between two commits, from `git diff-tree -r -z --no-renames A B`
 * output (records ":oldmode newmode oldsha newsha status\0path\0").
 */
export function changedLinks(diffTreeZ: string): ChangedLink[] {
  const parts = diffTreeZ.split("\0");
  const out: ChangedLink[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i]!.replace(/^\n/, "").split(" ");
    const path = parts[i + 1]!;
    if (meta.length < 5 || !meta[0]!.startsWith(":")) continue;
    const [, newMode, , newSha, status] = meta;
    if ((newMode === "120000" || newMode === "100644" || newMode === "100755") && status !== "D" && /^[0-9a-f]{40,64}$/.test(newSha!)) {
      out.push({ path, blob: newSha!, pointer: newMode !== "120000" });
    }
  }
  return out;
}

/** A path from a commit, safe to pass after `--`: relative, no `..` step, no NUL. */
export function isSafePath(p: string): boolean {
  return p.length > 0 && !p.startsWith("/") && !p.includes("\0") && !p.split("/").includes("..");
}

const MIXED = "0123456789zqjxkmvwgpfZQJXKMVWGPF";

/**
 * Where a clone keeps a key's content, below .git/annex/objects/ (git-annex Annex/DirHashes.hs):
 * two directories from the md5 of the key, hashdirmixed (the first 32 bits, five at a time, as
 * letters that make no words, pairs swapped), or hashdirlower (md5 hex) where
 * annex.tune.objecthashlower is set. Reading this path costs a stat, where `git annex
 * contentlocation` costs a git-annex start: the check runs on every ref move while content lands.
 */
export function objectPath(key: string, lower = false): string {
  const md5 = createHash("md5").update(key).digest();
  if (lower) { const h = md5.toString("hex"); return `${h.slice(0, 3)}/${h.slice(3, 6)}/${key}/${key}`; }
  const w = md5.readUInt32LE(0);
  const c = Array.from({ length: 4 }, (_, x) => MIXED[(w >>> (6 * x)) & 31]!);
  return `${c[1]}${c[0]}/${c[3]}${c[2]}/${key}/${key}`;
}
