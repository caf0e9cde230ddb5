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

/** Whether the lock file at `path` is there and older than any live git holds one. */
async function isStale(path: string, now: number): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return st !== null && st.isFile() && now - st.mtimeMs > STALE_MS;
}

async function removeLock(lock: string, reason: string, log: Logger): Promise<true> {
  await unlink(lock).catch(() => undefined);
  log.warn("stale-lock-removed", { lock, reason });
  return true;
}

/** The stale lock named in `stderr`, if it is a record's under `gitDir`, or null. */
export async function staleRecordLock(gitDir: string, stderr: string, now = Date.now()): Promise<string | null> {
  const path = LOCK_EXISTS.exec(stderr)?.[1];
  if (!path) return null;
  const rel = relative(join(gitDir, "refs", "remotes"), path);
  const record = rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
  if (!record && path !== join(gitDir, "packed-refs.lock")) return null;
  return (await isStale(path, now)) ? path : null;
}

/** Removes the stale lock `stderr` names (see above), and says so; true when one went. */
export async function removeStaleRecordLock(gitDir: string, stderr: string, log: Logger): Promise<boolean> {
  const lock = await staleRecordLock(gitDir, stderr);
  return lock !== null && removeLock(lock, "left by a git that was killed while updating refs", log);
}

// The same happens on a remote: a receive-pack killed while it updated the branch leaves the
// remote's `<ref>.lock`, and every push after it is refused with "cannot lock ref" (npm run chaos,
// star7: seven clones' pushes to a bare hub refused for the rest of the run, reported as
// non-fast-forward). For a remote on this machine (a bare repository beside us, a USB drive, a
// peer's record of us), the one lock removed is the one on the ref we pushed to, at the path we
// work out from our own configuration: never a path taken from the remote's words.

/** Whether a push was refused because the ref it was to update is locked (receive-pack's words,
 * refs.c: lock_ref_oid_basic). */
export function remoteRefLocked(output: string): boolean {
  return output.includes("cannot lock ref '");
}

/** Removes the lock on `ref` in the repository at `path` on this machine (its git directory is
 * `path` itself when bare) when it is stale; true when one went. */
export async function removeStaleRemoteLock(path: string, bare: boolean, ref: string, log: Logger, now = Date.now()): Promise<boolean> {
  if (!/^refs\/(heads|remotes)\/[^.][^\0]*$/.test(ref) || ref.split("/").includes("..")) return false;
  const lock = join(bare ? path : join(path, ".git"), `${ref}.lock`);
  return (await isStale(lock, now)) && removeLock(lock, "left on the remote by a git that was killed while it took a push", log);
}
