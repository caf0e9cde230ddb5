// The conflict kinds beyond plain edits, with real git and running agents: rename/rename (one
// file renamed differently on each side) and file/directory (a file on one side where the other
// made a directory). Both sides' versions survive, no markers, both clones end at one HEAD.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
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
  });
});
