// The conflict kinds beyond plain edits, with real git and running agents: rename/rename (one
// file renamed differently on each side) and file/directory (a file on one side where the other
// made a directory). Both sides' versions survive, no markers, both clones end at one HEAD; a
// path both sides changed keeps the newer commit's version, the other is a variant beside it.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { mkdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { variantFileName } from "../src/git/variant-file-name.js";
import { startAgents, stopAll, type Running } from "./helpers.js";

const sh = (dir: string, script: string) => promisify(execFile)("bash", ["-ec", script], { cwd: dir });

describe("rename/rename and file/directory conflicts", () => {
  let sb: Sandbox;
  let agents: Record<string, Running> = {};
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
  });

  it("keeps both sides of each and converges", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    await commitFile(a, "report.txt", "the report\n");
    await git(b, "pull", "-q", "--ff-only", a, "main");
    // Offline edits on both sides, before the agents start.
    await git(a, "mv", "report.txt", "report-final.txt");
    await git(a, "commit", "-qm", "a renames");
    await git(b, "mv", "report.txt", "report-v2.txt");
    await git(b, "commit", "-qm", "b renames");
    await commitFile(a, "notes", "notes as a file\n");
    await mkdir(join(b, "notes"), { recursive: true });
    await writeFile(join(b, "notes", "todo.txt"), "notes as a directory\n");
    await git(b, "add", "-A");
    await git(b, "commit", "-qm", "b makes notes a directory");

    agents = await startAgents(sb.clones);
    const same = async () => { const [x, y] = [await head(a), await head(b)]; return x === y ? x : null; };
    await waitFor(same, 20_000, "both clones at one HEAD");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect(await same()).toBeTruthy();

    for (const dir of [a, b]) {
      const files = (await git(dir, "ls-files")).trim().split("\n").sort();
      expect(files).toEqual(expect.arrayContaining(["report-final.txt", "report-v2.txt", "notes/todo.txt"]));
      expect(files).not.toContain("report.txt");
      const fileVariant = files.find((f) => /^notes\.variant-[0-9a-f]{8}$/.test(f));
      expect(fileVariant).toBeDefined();
      expect(await readFile(join(dir, fileVariant!), "utf8")).toBe("notes as a file\n");
      expect(await readFile(join(dir, "notes", "todo.txt"), "utf8")).toBe("notes as a directory\n");
      expect((await git(dir, "status", "--porcelain")).trim()).toBe("");
      expect(await git(dir, "grep", "-c", "^<<<<<<<").catch(() => "")).toBe("");
    }
    const kinds = (await agents.a!.agent.conflicts.list()).map((c) => c.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(["file/directory", "rename"]));
  });

  it("keeps each side's own file when renames collide and conflict (git's t6422), and a submodule pointer conflict usable", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    const sub = "git config -f .gitmodules submodule.sub.path sub; git config -f .gitmodules submodule.sub.url https://example.org/sub.git; git add .gitmodules";
    const link = (sha: string) => `mkdir -p sub; git update-index --add --cacheinfo 160000,${sha.repeat(40)},sub`;
    await sh(a, `seq 1 20 > x; seq 101 120 > y; ${link("1")}; ${sub}; git add -A; git commit -qm base`);
    await git(b, "pull", "-q", "--ff-only", a, "main");
    // Offline: a renames x onto c, b renames y onto c; each also changes the other's file, in conflict.
    await sh(a, `sed -i 's/^5$/five-a/' x; git mv x c; sed -i 's/^105$/105-a/' y; ${link("2")}; git commit -qam a`);
    await sh(b, `sed -i 's/^5$/five-b/' x; sed -i 's/^105$/105-b/' y; git mv y c; ${link("3")}; git commit -qam b`);
    const tips = { a: await head(a), b: await head(b) };

    agents = await startAgents(sb.clones);
    const same = async () => { const [x, y] = [await head(a), await head(b)]; return x === y && x !== tips.a && x !== tips.b ? x : null; };
    const merge = await waitFor(same, 20_000, "both clones at one merge");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect(await same()).toBe(merge);

    // Every entry either tip has is in the merge (.gitmodules is extended: checked by submodule status).
    const entries = async (commit: string) => new Set((await git(a, "ls-tree", "-r", commit)).split("\n").filter((l) => l && !l.endsWith("\t.gitmodules")).map((l) => l.split("\t")[0]));
    const kept = await entries(merge);
    for (const tip of [tips.a, tips.b]) for (const e of await entries(tip)) expect([e, kept.has(e)]).toEqual([e, true]);
    for (const dir of [a, b]) {
      expect(await git(dir, "grep", "-c", "^<<<<<<<").catch(() => "")).toBe("");
      expect((await git(dir, "status", "--porcelain")).trim()).toBe("");
      expect((await git(dir, "submodule", "status")).split("\n").filter(Boolean)).toHaveLength(2);
    }
    // The renamed-onto path and the submodule keep a version each: one gitlink stays at `sub`.
    const files = (await git(a, "ls-tree", "-r", "--name-only", merge)).split("\n");
    expect(files.filter((f) => f === "c" || f.startsWith("c.variant-"))).toHaveLength(2);
    expect(files).toContain("sub");
  });

  it("keeps the newer commit's version at each path both changed (file, mode, symlink, submodule), the same on both clones, the other beside it", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    const sub = "git config -f .gitmodules submodule.sub.path sub; git config -f .gitmodules submodule.sub.url https://example.org/sub.git; git add .gitmodules";
    const link = (sha: string) => `mkdir -p sub; git update-index --add --cacheinfo 160000,${sha.repeat(40)},sub`;
    await sh(a, `seq 1 20 > f.txt; ln -s base-target ln; ${link("1")}; ${sub}; git add -A; git commit -qm base`);
    await git(b, "pull", "-q", "--ff-only", a, "main");
    // a's commit is the older one, b's the newer (by its date): b's versions keep the names.
    const at = (t: number) => `export GIT_AUTHOR_DATE='${t} +0000' GIT_COMMITTER_DATE='${t} +0000';`;
    await sh(a, `${at(1_700_000_000)} sed -i 's/^5$/five-a/' f.txt; ln -sfn a-target ln; echo same > run.sh; chmod +x run.sh; ${link("2")}; git add -A; git commit -qm a`);
    await sh(b, `${at(1_700_000_100)} sed -i 's/^5$/five-b/' f.txt; ln -sfn b-target ln; echo same > run.sh; ${link("3")}; git add -A; git commit -qm b`);
    const tips = { a: await head(a), b: await head(b) };

    agents = await startAgents(sb.clones);
    const same = async () => { const [x, y] = [await head(a), await head(b)]; return x === y && x !== tips.a && x !== tips.b ? x : null; };
    const merge = await waitFor(same, 20_000, "both clones at one merge");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect(await same()).toBe(merge);

    const entry = async (commit: string, path: string) => (await git(a, "ls-tree", "--full-tree", commit, "--", path)).split("\t")[0]!.split(" ");
    for (const path of ["f.txt", "ln", "run.sh", "sub"]) {
      // The path holds b's entry exactly (content, mode, link or gitlink); a's is its variant.
      expect([path, await entry(merge, path)]).toEqual([path, await entry(tips.b, path)]);
      const [mode, , oid] = await entry(tips.a, path);
      expect([path, await entry(merge, variantFileName(path, oid!, mode))]).toEqual([path, await entry(tips.a, path)]);
    }
    for (const [name, r] of Object.entries(agents)) {
      const dir = sb.clones[name]!;
      expect(await readlink(join(dir, "ln"))).toBe("b-target");
      expect(await readFile(join(dir, "f.txt"), "utf8")).toContain("five-b");
      expect((await git(dir, "status", "--porcelain")).trim()).toBe("");
      expect((await git(dir, "submodule", "status")).split("\n").filter(Boolean)).toHaveLength(2);
      // Each clone's record says b's side kept the name.
      const recorded = (await r.agent.conflicts.list()).filter((c) => c.merge === merge);
      expect(recorded.map((c) => [c.path, c.variants[0]]).sort()).toEqual(["f.txt", "ln", "run.sh", "sub"].map((p) => [p, { file: p, from: tips.b }]));
    }
  });
});
