// Pure: the mount table as /proc/self/mountinfo describes it (proc(5), "/proc/pid/mountinfo"),
// what changed between two readings, and which mount a path lives on. A mount watcher diffs
// successive readings, as git-annex's MountWatcher does with `newMountPoints old new`, to notice
// removable media coming and going (remotes on /media, /run/media and /mnt: `herald-removable`).
import { posix } from "node:path";

export interface MountEntry {
  /** Where it is mounted, unescaped (`/run/media/me/My Disk`). */
  mountPoint: string;
  /** Filesystem type, with any subtype: `ext4`, `vfat`, `fuse.sshfs`. */
  fsType: string;
  /** Filesystem-specific source: `/dev/sdb1`, `tmpfs`, `server:/export`, or `none`. */
  source: string;
}

/**
 * The kernel escapes space, tab, newline and backslash in these fields as a backslash and three
 * octal digits (`\040` for a space). Anything else, UTF-8 included, is written as is.
 */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-3][0-7]{2})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parses mountinfo text. Each line has, separated by single spaces:
 *   (1) mount ID (2) parent ID (3) major:minor (4) root (5) mount point (6) mount options
 *   (7) zero or more optional fields `tag[:value]` (8) the separator `-`
 *   (9) filesystem type (10) mount source (11) super options
 * The optional fields are why the separator has to be found rather than counted. Lines that do
 * not have this shape are skipped: a watcher should carry on past one it does not understand.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const f = line.trim().split(/ +/);
    if (!/^\d+$/.test(f[0] ?? "") || !/^\d+$/.test(f[1] ?? "") || !/^\d+:\d+$/.test(f[2] ?? "")) continue;
    const sep = f.indexOf("-", 6);
    const mountPoint = f[4];
    const fsType = f[sep + 1];
    const source = f[sep + 2];
    if (sep < 0 || mountPoint === undefined || fsType === undefined || source === undefined) continue;
    entries.push({ mountPoint: unescapeMountField(mountPoint), fsType: unescapeMountField(fsType), source: unescapeMountField(source) });
  }
  return entries;
}

const key = (m: MountEntry): string => JSON.stringify([m.mountPoint, m.fsType, m.source]);

/**
 * What appeared and what went away between two readings. Entries compare by all three fields, so
 * a different device on the same mount point is one removal and one addition. Equal entries are
 * counted, not merged: a table may hold the same mount twice (a mount stacked on an identical one).
 */
export function diffMounts(before: readonly MountEntry[], after: readonly MountEntry[]): { added: MountEntry[]; removed: MountEntry[] } {
  const count = (list: readonly MountEntry[]) => {
    const n = new Map<string, number>();
    for (const m of list) n.set(key(m), (n.get(key(m)) ?? 0) + 1);
    return n;
  };
  // Walks `list` in order and keeps what `other` has fewer copies of.
  const excess = (list: readonly MountEntry[], other: Map<string, number>) => {
    const left = new Map(other);
    return list.filter((m) => {
      const k = key(m);
      const n = left.get(k) ?? 0;
      if (n > 0) {
        left.set(k, n - 1);
        return false;
      }
      return true;
    });
  };
  return { added: excess(after, count(before)), removed: excess(before, count(after)) };
}

/** `path` in normal form when it is absolute; null otherwise (no working directory here). */
function absolute(path: string): string | null {
  if (!path.startsWith("/")) return null;
  const p = posix.normalize(path);
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}

/** True when `path` is `dir` or inside it, comparing whole path components. */
function within(path: string, dir: string): boolean {
  return dir === "/" || path === dir || path.startsWith(`${dir}/`);
}

const REMOVABLE_ROOTS = ["/media", "/run/media", "/mnt"];

/**
 * Where desktops and people mount removable media: strictly below /media, /run/media or /mnt
 * (the default of `remote.<name>.herald-removable`). The directories themselves are not.
 */
export function isRemovablePath(path: string): boolean {
  const p = absolute(path);
  return p !== null && REMOVABLE_ROOTS.some((root) => p !== root && within(p, root));
}

/**
 * The mount `path` lives on: the entry whose mount point is the longest whole-component prefix
 * of it (`/mnt/usb2/x` is not on `/mnt/usb`). When several entries share that mount point, the
 * last one wins: mountinfo lists mounts in the order they were made, so it is the visible one.
 */
export function mountFor(path: string, table: readonly MountEntry[]): MountEntry | undefined {
  const p = absolute(path);
  if (p === null) return undefined;
  let best: MountEntry | undefined;
  for (const m of table) {
    const mp = absolute(m.mountPoint);
    if (mp === null || !within(p, mp)) continue;
    if (best === undefined || mp.length >= absolute(best.mountPoint)!.length) best = m;
  }
  return best;
}
