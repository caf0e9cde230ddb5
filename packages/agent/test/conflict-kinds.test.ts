// The conflict kinds beyond plain edits, with real git and running agents: rename/rename (one
// file renamed differently on each side) and file/directory (a file on one side where the other
// made a directory). Both sides' versions survive, no markers, both clones end at one HEAD.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";

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
});
