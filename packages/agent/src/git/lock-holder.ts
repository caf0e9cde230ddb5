// Whether a live process holds a git lock file. git creates `<file>.lock`, keeps it open while it
// works and renames it over the file when done (lockfile.c), so a lock some process still has
// open is a live git's: the user's `git add` of many files holds index.lock for seconds. Removing
// it made that add fail ("Unable to write new index file": its rename found nothing), and a git
// of ours taking the lock meanwhile would have had its index renamed away by the user's (npm run
// chaos: an agent restarted during a user's add). A lock nobody has open is a dead git's.
// Read from /proc/<pid>/fd (proc(5)); where there is no /proc, null: nobody can tell.
import { readdir, readlink, realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Which of `locks` some other live process has open, in one pass over /proc; null where there is none. */
export async function locksHeldOpen(locks: readonly string[]): Promise<Set<string> | null> {
  const pids = await readdir("/proc").catch(() => null);
  if (pids === null || !pids.includes("self")) return null;
  // The path as the kernel writes it: the directory resolved (a /tmp symlink, a bind mount seen
  // through its own path), the file's own name kept (it may be gone by the time we look).
  const wanted = new Map<string, string>();
  for (const lock of locks) wanted.set(join(await realpath(dirname(lock)).catch(() => dirname(lock)), basename(lock)), lock);
  const held = new Set<string>();
  for (const pid of pids) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]); // another user's, or gone
    for (const fd of fds) {
      const lock = wanted.get(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ""));
      if (lock !== undefined) held.add(lock);
    }
  }
  return held;
}
