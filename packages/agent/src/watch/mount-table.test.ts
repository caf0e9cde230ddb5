import { existsSync, readFileSync } from "node:fs";
import { diffMounts, isRemovablePath, mountFor, parseMountInfo, unescapeMountField, type MountEntry } from "./mount-table.js";

// Copied from /proc/self/mountinfo on the development machine (Debian 12 container, kernel 6.18).
// Note the two identical /dev/pts mounts: one stacked on the other.
const THIS_MACHINE = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334460k,nr_inodes=3083615,mode=755
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684084k
26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

const m = (mountPoint: string, fsType: string, source: string): MountEntry => ({ mountPoint, fsType, source });

describe("unescapeMountField", () => {
  it.each([
    ["/plain", "/plain"],
    ["/run/media/me/My\\040Disk", "/run/media/me/My Disk"],
    ["a\\011b", "a\tb"],
    ["line\\012break", "line\nbreak"],
    ["back\\134slash", "back\\slash"],
    ["/media/me/Ünïcødé", "/media/me/Ünïcødé"],
    ["\\04", "\\04"],       // not three digits: left alone
    ["\\999", "\\999"],     // not octal: left alone
  ])("%j → %j", (field, expected) => expect(unescapeMountField(field)).toBe(expected));
});

describe("parseMountInfo", () => {
  it.each<[string, string, MountEntry[]]>([
    ["no optional fields", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard", [m("/", "ext4", "/dev/vda")]],
    ["one optional field (proc(5) example)", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
      [m("/mnt2", "ext3", "/dev/root")]],
    ["several optional fields", "40 25 8:17 / /media/usb rw,nosuid shared:7 master:3 propagate_from:2 - vfat /dev/sdb1 rw,fmask=0022",
      [m("/media/usb", "vfat", "/dev/sdb1")]],
    ["unbindable, the only field without a colon", "41 25 8:18 / /mnt/x rw unbindable - ext4 /dev/sdb2 rw", [m("/mnt/x", "ext4", "/dev/sdb2")]],
    ["escaped space in the mount point", "612 30 8:33 / /run/media/me/My\\040Disk rw,nosuid,nodev,relatime shared:330 - exfat /dev/sdc1 rw,uid=1000",
      [m("/run/media/me/My Disk", "exfat", "/dev/sdc1")]],
    ["escapes in the source", "90 30 0:50 / /mnt/share rw,relatime shared:60 - cifs //nas/My\\040Share rw,vers=3.1.1",
      [m("/mnt/share", "cifs", "//nas/My Share")]],
    ["fs subtype and a host:path source", "91 30 0:51 / /mnt/remote rw,nosuid,nodev shared:61 - fuse.sshfs me@host:/home/me rw,user_id=1000",
      [m("/mnt/remote", "fuse.sshfs", "me@host:/home/me")]],
    ["a bind mount keeps the mount point, not the root", "93 30 8:2 /srv/data /mnt/data rw - ext4 /dev/sda2 rw", [m("/mnt/data", "ext4", "/dev/sda2")]],
    ["no super options", "94 30 0:60 / /mnt/old rw - tmpfs none", [m("/mnt/old", "tmpfs", "none")]],
    ["CRLF line ending", "95 30 0:61 / /mnt/crlf rw - tmpfs tmpfs rw\r\n", [m("/mnt/crlf", "tmpfs", "tmpfs")]],
  ])("%s", (_name, text, expected) => expect(parseMountInfo(text)).toEqual(expected));

  it.each([
    ["empty text", ""],
    ["blank lines", "\n   \n"],
    ["no separator", "27 1 254:0 / / rw,relatime ext4 /dev/vda rw"],
    ["separator but no source", "27 1 254:0 / / rw,relatime - ext4"],
    ["too few fields before the separator", "27 1 254:0 / - ext4 /dev/vda rw"],
    ["not mountinfo (an /etc/mtab line)", "/dev/vda / ext4 rw,relatime 0 0"],
  ])("skips %s", (_name, text) => expect(parseMountInfo(text)).toEqual([]));

  // The one read of a real file here: whatever machine runs the tests, every line must parse.
  (existsSync("/proc/self/mountinfo") ? it : it.skip)("reads every line of this process's /proc/self/mountinfo", () => {
    const text = readFileSync("/proc/self/mountinfo", "utf8");
    const table = parseMountInfo(text);
    expect(table).toHaveLength(text.split("\n").filter((l) => l.trim() !== "").length);
    expect(mountFor("/", table)?.mountPoint).toBe("/");
  });

  it("keeps the good lines around a bad one", () => {
    const text = "22 27 0:21 / /proc rw - proc proc rw\ngarbage\n23 27 0:22 / /sys rw - sysfs sysfs rw";
    expect(parseMountInfo(text).map((e) => e.mountPoint)).toEqual(["/proc", "/sys"]);
  });

  it("reads this machine's table", () => {
    expect(parseMountInfo(THIS_MACHINE)).toEqual([
      m("/proc", "proc", "proc"),
      m("/sys", "sysfs", "sysfs"),
      m("/dev", "devtmpfs", "devtmpfs"),
      m("/dev/shm", "tmpfs", "tmpfs"),
      m("/dev/pts", "devpts", "devpts"),
      m("/", "ext4", "/dev/vda"),
      m("/dev/pts", "devpts", "devpts"),
      m("/sys/fs/cgroup", "tmpfs", "tmpfs"),
      m("/sys/fs/cgroup/cpu", "cgroup", "cgroup"),
      m("/sys/fs/cgroup/unified", "cgroup2", "cgroup2"),
    ]);
  });
});

describe("diffMounts", () => {
  const root = m("/", "ext4", "/dev/vda");
  const usb = m("/media/usb", "vfat", "/dev/sdb1");
  const disk = m("/run/media/me/My Disk", "exfat", "/dev/sdc1");
  const pts = m("/dev/pts", "devpts", "devpts");

  it.each<[string, MountEntry[], MountEntry[], MountEntry[], MountEntry[]]>([
    ["nothing changed", [root, usb], [root, usb], [], []],
    ["order does not matter", [root, usb], [usb, root], [], []],
    ["a stick plugged in", [root], [root, usb], [usb], []],
    ["a stick pulled out", [root, usb, disk], [root, disk], [], [usb]],
    ["another device on the same mount point", [root, usb], [root, m("/media/usb", "vfat", "/dev/sdd1")],
      [m("/media/usb", "vfat", "/dev/sdd1")], [usb]],
    ["an identical stacked mount goes away", [root, pts, pts], [root, pts], [], [pts]],
    ["an identical mount is stacked", [root, pts], [root, pts, pts], [pts], []],
    ["from nothing", [], [root, usb], [root, usb], []],
    ["to nothing", [root, usb], [], [], [root, usb]],
  ])("%s", (_name, before, after, added, removed) => expect(diffMounts(before, after)).toEqual({ added, removed }));

  it("works on parsed tables", () => {
    const before = parseMountInfo(THIS_MACHINE);
    const after = parseMountInfo(`${THIS_MACHINE}612 27 8:33 / /run/media/me/My\\040Disk rw shared:330 - exfat /dev/sdc1 rw\n`);
    expect(diffMounts(before, after)).toEqual({ added: [disk], removed: [] });
    expect(diffMounts(after, before)).toEqual({ added: [], removed: [disk] });
  });
});

describe("isRemovablePath", () => {
  it.each([
    ["/media/usb", true],
    ["/media/me/USB STICK/notes", true],
    ["/run/media/me/disk", true],
    ["/mnt/backup/repo.git", true],
    ["/mnt/usb/", true],
    ["//mnt//usb", true],
    ["/media", false],           // the directory itself is not removable media
    ["/media/", false],
    ["/run/media", false],
    ["/mnt", false],
    ["/mediafiles/x", false],    // whole path components only
    ["/mntx/y", false],
    ["/run/mediax/y", false],
    ["/run/user/1000/media/x", false],
    ["/home/me/media/x", false],
    ["/media/../etc/passwd", false],
    ["/mnt/./usb", true],
    ["media/usb", false],        // relative: unknown
    ["", false],
  ])("%j → %s", (path, expected) => expect(isRemovablePath(path)).toBe(expected));
});

describe("mountFor", () => {
  const table = [
    m("/", "ext4", "/dev/vda"),
    m("/mnt/usb", "vfat", "/dev/sdb1"),
    m("/mnt/usb/inner", "ext4", "/dev/sdc1"),
    m("/home", "ext4", "/dev/vdb"),
    m("/run/media/me/My Disk", "exfat", "/dev/sdd1"),
  ];
  it.each<[string, string | undefined]>([
    ["/mnt/usb/notes", "/dev/sdb1"],
    ["/mnt/usb", "/dev/sdb1"],
    ["/mnt/usb/", "/dev/sdb1"],
    ["/mnt/usb2/notes", "/dev/vda"],        // /mnt/usb2 is not under /mnt/usb
    ["/mnt/usbx", "/dev/vda"],
    ["/mnt/usb/inner/repo", "/dev/sdc1"],   // the longest prefix wins
    ["/mnt/usb/innerx", "/dev/sdb1"],
    ["/home/me/notes", "/dev/vdb"],
    ["/homework", "/dev/vda"],
    ["/run/media/me/My Disk/repo", "/dev/sdd1"],
    ["/run/media/me/My", "/dev/vda"],
    ["/mnt/usb/../../home/me", "/dev/vdb"],
    ["/", "/dev/vda"],
    ["relative/path", undefined],
  ])("%j → %s", (path, source) => expect(mountFor(path, table)?.source).toBe(source));

  it("finds nothing in an empty table", () => expect(mountFor("/x", [])).toBeUndefined());

  it("picks the last of several mounts on one mount point (the visible one)", () => {
    const stacked = [m("/", "ext4", "/dev/vda"), m("/mnt/usb", "vfat", "/dev/sdb1"), m("/mnt/usb", "exfat", "/dev/sdc1")];
    expect(mountFor("/mnt/usb/x", stacked)?.source).toBe("/dev/sdc1");
  });

  it("does not depend on table order for different mount points", () => {
    expect(mountFor("/mnt/usb/inner/x", [...table].reverse())?.source).toBe("/dev/sdc1");
  });

  it("works on this machine's table", () => {
    const t = parseMountInfo(THIS_MACHINE);
    expect(mountFor("/dev/pts/0", t)).toEqual(m("/dev/pts", "devpts", "devpts"));
    expect(mountFor("/sys/fs/cgroup/cpu/tasks", t)?.fsType).toBe("cgroup");
    expect(mountFor("/sys/fs/cgroupx", t)?.fsType).toBe("sysfs");
    expect(mountFor("/work/main", t)).toEqual(m("/", "ext4", "/dev/vda"));
  });
});
