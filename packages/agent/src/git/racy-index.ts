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
import { copyFile, mkdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The kernel stamps files with a coarse clock that may lag `Date.now()` by a tick: a second of margin. */
const MARGIN_MS = 1000;

/** Call with the time taken just before the command started, once it has finished. */
export async function distrustStatSince(index: string, startedMs: number): Promise<void> {
  const st = await stat(index).catch(() => null);
  if (!st) return; // no index (nothing checked out): nothing to distrust
  const back = (startedMs - MARGIN_MS) / 1000;
  if (st.mtimeMs / 1000 <= back) return;
  // The user's git may replace the index meanwhile (a rename onto it): then this touches the file it
  // replaced, or sets the new one back, which is as safe.
  await utimes(index, st.atime, back).catch(() => undefined);
}

/** The copy a move works on (underIndexLock); a killed agent's is removed at the next start. */
export const movedIndexCopy = (gitDir: string): string => join(gitDir, "herald", "index.move");

/**
 * Runs `command` (a git that moves the work tree; `env` points it at a copy of the index) while
 * holding the real index's lock, as git itself does, then puts the copy in place with its mtime
 * already set back. Setting the real index back after git wrote it left a gap: under a storm's
 * load the user's `git add` ran between git's exit and the setback, and missed their save all the
 * same (npm run bench, storm ring 8). "busy": another git holds the lock (the user's).
 * Hooks the command runs (git-annex's post-merge) see GIT_INDEX_FILE too, and so work on the index
 * that goes in, as a pre-commit hook does under `git commit -a`.
 */
export async function underIndexLock<T>(gitDir: string, command: (env: Record<string, string>) => Promise<T>): Promise<T | "busy"> {
  const index = join(gitDir, "index"), lock = `${index}.lock`, copy = movedIndexCopy(gitDir);
  try {
    await writeFile(lock, "", { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return "busy";
    throw e;
  }
  try {
    await mkdir(dirname(copy), { recursive: true });
    const st = await stat(index).catch((e: NodeJS.ErrnoException) => { if (e.code === "ENOENT") return null; throw e; });
    if (st) {
      await copyFile(index, copy);
      // The copy keeps the index's mtime: an entry that only its raciness marks as changed (the
      // user saved a file again in the second their add wrote it) must stay racy for git, or the
      // move trusts its stat data and writes it back as clean for good.
      await utimes(copy, st.atime, st.mtime);
    } else await rm(copy, { force: true }); // no index yet: git makes one
    const started = Date.now();
    const out = await command({ GIT_INDEX_FILE: copy });
    await distrustStatSince(copy, started);
    // git wrote no index (it had nothing to check out): the real one stays.
    await rename(copy, index).catch((e: NodeJS.ErrnoException) => { if (e.code !== "ENOENT") throw e; });
    return out;
  } finally {
    await rm(copy, { force: true });
    await rm(lock, { force: true });
  }
}
