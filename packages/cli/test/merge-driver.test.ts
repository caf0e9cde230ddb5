// `herald merge-driver` installed in a real clone: `git merge` of conflicting edits completes,
// leaves no conflict markers, keeps the newer commit's version at the path (the agent's rule) and
// the other side's beside it as a variant file named like the agent's.
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { variantFileName } from "@herald/agent";
import { commitFile, git, makeSandbox, type Sandbox } from "@herald/testkit";
import { BIN, herald, lines } from "./run-herald.js";

const execFileP = promisify(execFile);

/** Commits `content` to `path` with this committer date (seconds), which decides who keeps the name. */
async function commitAt(dir: string, path: string, content: string | Buffer, when: number): Promise<void> {
  await writeFile(join(dir, path), content);
  await git(dir, "add", "-A");
  const date = `${when} +0000`;
  await execFileP("git", ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", `edit ${path}`], {
    cwd: dir, env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
  });
}

/**
 * Two branches from one base: `main` commits `ours`, `other` commits `theirs`, to `path`; the
 * side named `newer` has the later commit.
 */
async function diverge(dir: string, path: string, base: string | Buffer, ours: string | Buffer, theirs: string | Buffer, newer: "ours" | "theirs" = "ours"): Promise<{ oursBlob: string; theirsBlob: string }> {
  await commitFile(dir, path, base, "base");
  const t = Math.floor(Date.now() / 1000);
  await git(dir, "checkout", "-q", "-b", "other");
  await commitAt(dir, path, theirs, newer === "theirs" ? t + 20 : t + 10);
  await git(dir, "checkout", "-q", "main");
  await commitAt(dir, path, ours, newer === "ours" ? t + 20 : t + 10);
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

  it("keeps the newer side of a text conflict at the path and the other as a variant, no markers", async () => {
    const path = "docs/my notes.txt"; // a directory and a space: %P must survive git's shell
    const { theirsBlob } = await diverge(dir, path, "one\ntwo\n", "one\nTWO (ours)\n", "one\nzwei (theirs)\n", "ours");
    const stderr = await merge(dir);

    expect(await readFile(join(dir, path), "utf8")).toBe("one\nTWO (ours)\n");
    const theirsFile = variantFileName(path, theirsBlob);
    expect(await readFile(join(dir, theirsFile), "utf8")).toBe("one\nzwei (theirs)\n");
    expect(lines(stderr).filter((l) => l.startsWith("herald:"))).toEqual([
      `herald: conflict in ${path}: ours kept the name; theirs kept as ${theirsFile}`,
    ]);
    // The merge is committed with both parents, and nothing anywhere has markers.
    expect((await git(dir, "rev-list", "--parents", "-n", "1", "HEAD")).trim().split(" ")).toHaveLength(3);
    expect((await readdir(join(dir, "docs"))).sort()).toEqual(["my notes.txt", theirsFile.slice("docs/".length)].sort());
    for (const f of await readdir(join(dir, "docs"))) {
      expect(await readFile(join(dir, "docs", f), "utf8")).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    }
    // git holds the index while its driver runs, so the variant waits in the work tree for the
    // next commit (the agent's autocommit, or the person's own).
    expect(await git(dir, "status", "--porcelain")).toBe(`?? "${theirsFile}"\n`);
  });

  it("keeps their version at the path when theirs is the newer commit, ours beside it", async () => {
    const { oursBlob } = await diverge(dir, "plan.txt", "a\n", "a (ours)\n", "a (theirs)\n", "theirs");
    const stderr = await merge(dir);
    expect(await readFile(join(dir, "plan.txt"), "utf8")).toBe("a (theirs)\n");
    expect(await git(dir, "show", "HEAD:plan.txt")).toBe("a (theirs)\n");
    const oursFile = variantFileName("plan.txt", oursBlob);
    expect(await readFile(join(dir, oursFile), "utf8")).toBe("a (ours)\n");
    expect(stderr).toContain(`herald: conflict in plan.txt: theirs kept the name; ours kept as ${oursFile}`);
  });

  it("keeps both sides of a binary conflict byte for byte", async () => {
    const ours = Buffer.from([0, 1, 2, 255, 10, 0]);
    const theirs = Buffer.from([0, 9, 9, 9, 0]);
    const { theirsBlob } = await diverge(dir, "pic.bin", Buffer.from([0, 1]), ours, theirs, "ours");
    const stderr = await merge(dir);
    expect(await readFile(join(dir, "pic.bin"))).toEqual(ours);
    expect(await readFile(join(dir, variantFileName("pic.bin", theirsBlob)))).toEqual(theirs);
    expect(stderr).toContain("herald: binary conflict in pic.bin: ours kept the name; theirs kept as");
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
