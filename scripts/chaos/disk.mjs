// A clone on a file system of its own that can be made full: a tmpfs mounted on the clone's
// directory (root and CAP_SYS_ADMIN needed; a container without them gets a printed reason).
// "Full" is a remount with the size cut to what is used now (tmpfs allows resizing while
// mounted), so nothing has to be written to fill it and no memory is spent on filler.
import { execFile } from "node:child_process";
import { cp, mkdir, rename, rm, statfs } from "node:fs/promises";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const ROOMY = "1g"; // an upper bound, not an allocation: tmpfs uses memory only for what is stored

/** Move `dir` onto a tmpfs of its own; returns { fill(), free() } or { skipped: reason }. */
export async function tmpfsClone(cleanup, dir) {
  if (process.getuid?.() !== 0) return { skipped: "not root: mounting a tmpfs needs root" };
  const aside = `${dir}.aside`;
  await rename(dir, aside);
  await mkdir(dir);
  try {
    await execFileP("mount", ["-t", "tmpfs", "-o", `size=${ROOMY},mode=0755`, "tmpfs", dir]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    await rename(aside, dir);
    return { skipped: `mount -t tmpfs failed (${String(e.stderr || e.message).trim()}): no CAP_SYS_ADMIN here` };
  }
  cleanup.add(`tmpfs on ${dir}`, () => execFileP("umount", ["-l", dir]));
  await cp(aside, dir, { recursive: true, verbatimSymlinks: true });
  await rm(aside, { recursive: true, force: true });
  const resize = (size) => execFileP("mount", ["-o", `remount,size=${size}`, dir]);
  return {
    /** Cut the size to what is used; the kernel refuses a size below that, and writes go on
     * meanwhile, so a few margins are tried, smallest first. Returns the margin (KiB). */
    async fill() {
      for (const margin of [8, 64, 256, 1024, 4096]) {
        const s = await statfs(dir);
        const ok = await resize(`${Math.ceil(((s.blocks - s.bfree) * s.bsize) / 4096) * 4 + margin}k`).then(() => true, () => false);
        if (ok) return margin;
      }
      throw new Error(`could not shrink the tmpfs on ${dir} to its use`);
    },
    free: () => resize(ROOMY),
    /** bytes still free (0 when full) */
    async room() { const s = await statfs(dir); return s.bavail * s.bsize; },
  };
}
