// @ts-check
// What the storm must leave: one HEAD on every clone, every commit made an ancestor of it, every
// version of a file written there (at its path or as a conflict's variant) unless a later user
// commit that had it changed that path, and no conflict markers. Read with git from the clones.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gitIn } from "./edits.mjs";

/** @typedef {import("./edits.mjs").Made} Made */

/** A clone's HEAD from its files (no process: polled every few ms while the storm settles). */
export async function headOf(/** @type {string} */ dir) {
  const ref = (await readFile(join(dir, ".git", "HEAD"), "utf8").catch(() => "")).trim();
  if (!ref.startsWith("ref: ")) return ref || null;
  const loose = (await readFile(join(dir, ".git", ref.slice(5)), "utf8").catch(() => null))?.trim();
  return loose || (await gitIn(dir)("rev-parse", "-q", "--verify", "HEAD").then((s) => s.trim(), () => null));
}

/** The one HEAD every clone has when it holds every commit in `shas`, else null. */
export async function oneHead(/** @type {string[]} */ dirs, /** @type {string[]} */ shas) {
  const heads = await Promise.all(dirs.map(headOf));
  if (!heads[0] || heads.some((h) => h !== heads[0])) return null;
  // Commits reachable from the ones made but not from HEAD: none when HEAD holds them all.
  const missing = Number((await gitIn(dirs[0] ?? ".")("rev-list", "--count", ...shas, `^${heads[0]}`, "--")).trim());
  return missing === 0 ? heads[0] : null;
}

export const blobId = (/** @type {Buffer} */ b) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");

/**
 * The versions written that `head` (in `dir`) lost, the files holding conflict markers, and the
 * commits it does not contain.
 * @param {string} dir @param {string} head @param {Made[]} made
 */
export async function whatWasLost(dir, head, made) {
  const g = gitIn(dir);
  const tree = (await g("ls-tree", "-r", "-z", head)).split("\0").filter(Boolean);
  const blobs = new Set(tree.map((l) => l.split(/\s/)[2]));
  const lostCommits = (await Promise.all(made.map(async (m) => ((await g("merge-base", "--is-ancestor", m.sha, head).then(() => true, () => false)) ? null : m.sha)))).filter(Boolean);
  /** @type {string[]} */
  const lostVersions = [];
  for (const m of made) {
    for (const [path, data] of Object.entries(m.wrote)) {
      if (blobs.has(blobId(data))) continue;
      // Changed later by a user commit that had this version: an edit, not a loss.
      const later = await g("rev-list", "--no-merges", "--ancestry-path", `${m.sha}..${head}`, "--", path);
      if (!later.trim()) lostVersions.push(`${path} as written by ${m.clone} in round ${m.round} (${m.sha.slice(0, 10)})`);
    }
  }
  const grep = await g("grep", "-l", "-I", "-E", "^(<<<<<<<|>>>>>>>) ", head, "--").catch(() => "");
  const withMarkers = grep.split("\n").filter(Boolean);
  return { lostCommits, lostVersions, withMarkers };
}
