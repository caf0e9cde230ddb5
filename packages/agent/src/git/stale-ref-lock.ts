// A git killed while it updates a ref leaves `<ref>.lock` behind, and git never removes one: every
// later update of that ref fails ("Unable to create '.git/refs/remotes/c10/main.lock': File
// exists ... a git process may have crashed in this repository earlier: remove the file
// manually"). A peer killed while it pushes into our record of its branch does this (its
// receive-pack dies with it), and from then on neither its pushes nor our fetches from it land
// (npm run chaos, mesh10: one record locked for the whole run). git holds a ref lock for the few
// milliseconds of a ref transaction, so a lock older than STALE_MS has no owner left.
//
// Only our records of peers' branches (refs/remotes/) are touched, and packed-refs.lock, which
// git takes to delete any ref that `git gc` packed, a record included (left behind, every record
// that was packed could never be emptied again: npm run chaos, mesh10). Never a branch's lock, and
// never a path that came from anywhere but git's own message about this repository.
import { stat, unlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Logger } from "../log.js";

export const STALE_MS = 10_000;

/** git's words for a lock file it found (lockfile.c: unable_to_lock_message). */
const LOCK_EXISTS = /Unable to create '([^']+\.lock)': File exists/;

/** The stale lock named in `stderr`, if it is a record's under `gitDir`, or null. */
export async function staleRecordLock(gitDir: string, stderr: string, now = Date.now()): Promise<string | null> {
  const path = LOCK_EXISTS.exec(stderr)?.[1];
  if (!path) return null;
  const rel = relative(join(gitDir, "refs", "remotes"), path);
  const record = rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
  if (!record && path !== join(gitDir, "packed-refs.lock")) return null;
  const st = await stat(path).catch(() => null);
  return st?.isFile() && now - st.mtimeMs > STALE_MS ? path : null;
}

/** Removes the stale lock `stderr` names (see above), and says so; true when one went. */
export async function removeStaleRecordLock(gitDir: string, stderr: string, log: Logger): Promise<boolean> {
  const lock = await staleRecordLock(gitDir, stderr);
  if (!lock) return false;
  await unlink(lock).catch(() => undefined);
  log.warn("stale-lock-removed", { lock, reason: "left by a git that was killed while updating refs" });
  return true;
}
