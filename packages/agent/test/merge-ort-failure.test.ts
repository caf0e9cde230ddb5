// git's merge-ort fails an assertion on some patterns of renames and deletes (git before 2.51;
// found by npm run chaos, ring8-announce: one clone's every merge aborted for the rest of the run).
// The pair is then merged without rename detection (merge-without-renames.ts), keeping both sides.
// Here merge-tree is made to fail the way it did, by a `git` first on PATH.
import { git, makeSandbox, type Sandbox } from "@herald/testkit";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { mergeHeads } from "../src/git/merge-heads.js";
import { installGitWrapper } from "./fixtures.js";

const ASSERTION = "git: merge-ort.c:2944: process_renames: Assertion `source_deleted || oldinfo->filemask & old_sidemask' failed.";
const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n") + "\n";

describe("a pair git's merge-ort cannot merge", () => {
  let sb: Sandbox;
  let repo: GitRepo | undefined;
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    repo?.close();
    await restore?.();
    restore = undefined;
    await sb?.cleanup();
  });

  /** f.txt renamed into g/ on one side, changed on the other: the two heads. */
  async function setUp(): Promise<[string, string]> {
    sb = await makeSandbox(["a"], "line");
    const a = sb.clones.a!;
    await writeFile(join(a, "f.txt"), lines);
    await git(a, "add", "f.txt");
    await git(a, "commit", "-q", "-m", "base");
    await git(a, "checkout", "-q", "-b", "moved");
    await mkdir(join(a, "g"));
    await git(a, "mv", "f.txt", "g/f.txt");
    await git(a, "commit", "-q", "-m", "move");
    const moved = (await git(a, "rev-parse", "HEAD")).trim();
    await git(a, "checkout", "-q", "main");
    await writeFile(join(a, "f.txt"), lines.replace("line 7", "line seven"));
    await git(a, "commit", "-q", "-am", "change");
    const changed = (await git(a, "rev-parse", "HEAD")).trim();
    repo = await GitRepo.open(a);
    await mkdir(join(repo.gitDir, "herald"), { recursive: true }); // the agent makes it at start (engine.ts)
    return [moved, changed];
  }

  const files = async (commit: string) => (await git(sb.clones.a!, "ls-tree", "-r", "--name-only", commit)).split("\n").filter(Boolean).sort();
  const show = async (commit: string, path: string) => git(sb.clones.a!, "show", `${commit}:${path}`);

  it("is merged without rename detection, and both sides are kept", async () => {
    const heads = await setUp();
    ({ restore } = await installGitWrapper(`if [ "$1" = merge-tree ]; then echo "${ASSERTION.replace(/`/g, "\\`")}" >&2; kill -ABRT $$; fi`));
    const m = await mergeHeads(repo!, heads);
    expect(m.withoutRenames).toBe(1);
    const seed = (await files(heads[0])).filter((p) => p !== "g/f.txt");
    expect(await files(m.commit)).toEqual([...seed, "f.txt", "g/f.txt"].sort());
    expect(await show(m.commit, "f.txt")).toContain("line seven"); // the change, where it was made
    expect(await show(m.commit, "g/f.txt")).toBe(lines); // the move, as it was moved
    expect(m.conflicts.map((c) => [c.path, c.kind])).toEqual([["f.txt", "modify/delete"]]);
  });

  it("still fails on any other merge-tree failure", async () => {
    const heads = await setUp();
    ({ restore } = await installGitWrapper(`if [ "$1" = merge-tree ]; then echo "fatal: unable to write loose object file: No space left on device" >&2; exit 128; fi`));
    await expect(mergeHeads(repo!, heads)).rejects.toThrow(/No space left/);
  });
});
