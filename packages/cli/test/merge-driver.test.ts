// `herald merge-driver` installed in a real clone: `git merge` of conflicting edits completes,
// leaves no conflict markers, and keeps both versions as variant files named like the agent's.
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { variantFileName } from "@herald/agent";
import { commitFile, git, makeSandbox, type Sandbox } from "@herald/testkit";
import { BIN, herald, lines } from "./run-herald.js";

const execFileP = promisify(execFile);

/** Two branches from one base: `main` commits `ours`, `other` commits `theirs`, to `path`. */
async function diverge(dir: string, path: string, base: string | Buffer, ours: string | Buffer, theirs: string | Buffer): Promise<{ oursBlob: string; theirsBlob: string }> {
  await commitFile(dir, path, base, "base");
  await git(dir, "checkout", "-q", "-b", "other");
  await commitFile(dir, path, theirs, "theirs");
  await git(dir, "checkout", "-q", "main");
  await commitFile(dir, path, ours, "ours");
  const blob = async (rev: string) => (await git(dir, "rev-parse", `${rev}:${path}`)).trim();
  return { oursBlob: await blob("main"), theirsBlob: await blob("other") };
}

/** `git merge other`, which must succeed; its stderr is where the driver reports. */
async function merge(dir: string): Promise<string> {
  const { stderr } = await execFileP("git", ["-c", "user.name=T", "-c", "user.email=t@example.org", "merge", "--no-edit", "other"], { cwd: dir });
  return stderr;
}

describe("herald merge-driver", () => {
  let sb: Sandbox;
  let dir: string;
  beforeEach(async () => {
    sb = await makeSandbox(["n1"], "line");
    dir = sb.clones.n1!;
    await git(dir, "config", "merge.herald.driver", `"${process.execPath}" "${BIN}" merge-driver %O %A %B %P`);
    await commitFile(dir, ".gitattributes", "* merge=herald\n", "use herald's merge driver");
  });
  afterEach(async () => { await sb?.cleanup(); });

  it("keeps both sides of a text conflict as variants, ours in place, no markers", async () => {
    const path = "docs/my notes.txt"; // a directory and a space: %P must survive git's shell
    const { oursBlob, theirsBlob } = await diverge(dir, path, "one\ntwo\n", "one\nTWO (ours)\n", "one\nzwei (theirs)\n");
    const stderr = await merge(dir);

    expect(await readFile(join(dir, path), "utf8")).toBe("one\nTWO (ours)\n");
    const oursFile = variantFileName(path, oursBlob);
    const theirsFile = variantFileName(path, theirsBlob);
    expect(await readFile(join(dir, oursFile), "utf8")).toBe("one\nTWO (ours)\n");
    expect(await readFile(join(dir, theirsFile), "utf8")).toBe("one\nzwei (theirs)\n");
    expect(lines(stderr).filter((l) => l.startsWith("herald:"))).toEqual([
      `herald: conflict in ${path}: kept ours as ${oursFile}`,
      `herald: conflict in ${path}: kept theirs as ${theirsFile}`,
    ]);
    // The merge is committed with both parents, and nothing anywhere has markers.
    expect((await git(dir, "rev-list", "--parents", "-n", "1", "HEAD")).trim().split(" ")).toHaveLength(3);
    for (const f of await readdir(join(dir, "docs"))) {
      expect(await readFile(join(dir, "docs", f), "utf8")).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    }
  });

  it("keeps both sides of a binary conflict byte for byte", async () => {
    const ours = Buffer.from([0, 1, 2, 255, 10, 0]);
    const theirs = Buffer.from([0, 9, 9, 9, 0]);
    const { oursBlob, theirsBlob } = await diverge(dir, "pic.bin", Buffer.from([0, 1]), ours, theirs);
    const stderr = await merge(dir);
    expect(await readFile(join(dir, "pic.bin"))).toEqual(ours);
    expect(await readFile(join(dir, variantFileName("pic.bin", oursBlob)))).toEqual(ours);
    expect(await readFile(join(dir, variantFileName("pic.bin", theirsBlob)))).toEqual(theirs);
    expect(stderr).toContain("herald: binary conflict in pic.bin: kept theirs as");
  });

  it("merges non-overlapping edits cleanly, without variants", async () => {
    await diverge(dir, "list.txt", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n");
    const stderr = await merge(dir);
    expect(stderr).not.toContain("herald:");
    expect(await readFile(join(dir, "list.txt"), "utf8")).toBe("A\nb\nc\nd\nE\n");
    expect((await readdir(dir)).filter((f) => f.includes(".variant-"))).toEqual([]);
  });

  it.each([
    ["../outside.txt", '".."'],
    ["/etc/passwd", "is absolute"],
  ])("refuses %s as %%P (exit 2, one line), writing nothing", async (bad, why) => {
    const f = (name: string, text: string) => writeFile(join(dir, name), text).then(() => name);
    const files = [await f(".o", "base\n"), await f(".a", "ours\n"), await f(".b", "theirs\n")];
    const r = await herald(["merge-driver", ...files, bad], { cwd: dir });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(why);
    expect((await readdir(dir)).filter((n) => n.includes(".variant-"))).toEqual([]);
    expect((await readdir(join(dir, ".."))).filter((n) => n.includes("outside"))).toEqual([]);
  });
});
