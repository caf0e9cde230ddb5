// After Herald's git writes the index while the user works (a checkout, an autocommit's add), the
// next `git add` must look at the content of every file touched meanwhile, not trust the stat data
// the index recorded.
//
// git takes an index entry as unchanged when the file's stat data matches it: size, inode and the
// mtime and ctime to the second (Debian's git is built without USE_NSEC). Only an entry as new as
// the index file itself is "racily clean" and gets its content compared
// (Documentation/technical/racy-git.txt). A checkout writes a file, records its stat data, goes on,
// and writes the index last. If the user saves the same file in that second, after git's write,
// with the same size (a line edited in place), and the index lands in the next second, the entry
// describes the user's file: their `git add` stages nothing, their commit misses the change, and the
// clone's merges stop at the dirty file (npm run bench, storm ring 8: a commit went in empty).
// An autocommit's `git add` has the same window: it takes a file's stat data, then reads it; a save
// between the read and the index's write in the next second is never staged, by that add or any
// later one.
//
// Setting the index file's mtime back to before the command began makes every file written since
// racily clean again, so git compares content until the index is next written (that write
// smudges an entry whose content differs, racy-git.txt). An older index mtime only ever makes git
// look more closely; nothing is trusted that was not before.
//
// What is left: a `git add` of the user's in the moment between git's exit and the setback still
// trusts the stat data. Shutting that too meant running the move on a copy of the index under
// index.lock, held from before git started to after the copy went in; the user's own git then
// met the lock far more often (the suite's users, whose `git add` does not wait, failed in four
// tests), so the moment stays.
import { stat, utimes } from "node:fs/promises";
import { join } from "node:path";

/** The kernel stamps files with a coarse clock that may lag `Date.now()` by a tick: a second of margin. */
const MARGIN_MS = 1000;

/** Runs `step` (git commands that write the index of `gitDir`), then sets the index back to before it began. */
export async function distrustingStat<T>(gitDir: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const out = await step();
  await distrustStatSince(join(gitDir, "index"), started);
  return out;
}

/** Call with the time taken just before the command started, once it has finished. */
async function distrustStatSince(index: string, startedMs: number): Promise<void> {
  const st = await stat(index).catch(() => null);
  if (!st) return; // no index (nothing checked out): nothing to distrust
  const back = (startedMs - MARGIN_MS) / 1000;
  if (st.mtimeMs / 1000 <= back) return;
  // The user's git may replace the index meanwhile (a rename onto it): then this touches the file it
  // replaced, or sets the new one back, which is as safe.
  await utimes(index, st.atime, back).catch(() => undefined);
}
