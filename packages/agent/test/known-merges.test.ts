// A merge is a function of its two parents (merge-commit.ts), so a pair some node has already
// merged need not be merged again: userFrontier records the Herald merges it opens, and
// mergeHeads takes them. Found by `npm run chaos` (mesh10): ten agents re-folding the same heads,
// 40-90 s per merge on a loaded two-core machine, kept the mesh from settling in 180 s.
import { git, type Sandbox } from "@herald/testkit";
import { execFileSync } from "node:child_process";
import { threeConflictingHeads } from "./fixtures.js";
import { GitRepo, HERALD_IDENTITY } from "../src/git/repo.js";
import { mergeHeads, userFrontier, type KnownMerges } from "../src/git/merge-heads.js";

describe("merges already made are taken, not made again", () => {
  let sb: Sandbox;
  let repo: GitRepo;
  let mergeTrees = 0;
  afterEach(async () => {
    repo?.close();
    await sb?.cleanup();
  });

  /** Three user commits on three clones, all touching f.txt (so every fold step conflicts), fetched into a. */
  async function setUp(): Promise<string[]> {
    const made = await threeConflictingHeads();
    sb = made.sb;
    const shas = made.heads;
    repo = await GitRepo.open(made.a);
    const exec = repo.exec.bind(repo);
    repo.exec = (args, ...rest) => {
      if (args[0] === "merge-tree") mergeTrees++;
      return exec(args, ...rest);
    };
    mergeTrees = 0;
    return shas;
  }

  it("folds heads whose merge is already here without running merge-tree, to the same commit and conflicts", async () => {
    const heads = await setUp();
    const made = await mergeHeads(repo, heads);
    expect(mergeTrees).toBe(2);
    expect(made.conflicts.length).toBeGreaterThan(0);

    const known: KnownMerges = new Map();
    expect(await userFrontier(repo, [made.commit], new Set(), known)).toEqual([...heads].sort());
    expect(known.size).toBe(2); // both steps of the fold
    mergeTrees = 0;
    const again = await mergeHeads(repo, heads, known);
    expect(mergeTrees).toBe(0);
    expect(again).toEqual({ ...made, reused: 2 });
  });

  it("makes the merge itself when the known commit is not one of Herald's", async () => {
    const [x, y] = await setUp();
    const a = sb.clones.a!;
    // A user's own merge of the same two parents: its tree is the user's choice, not the merge's.
    const tree = (await git(a, "rev-parse", `${x}^{tree}`)).trim();
    const [p1, p2] = [x!, y!].sort();
    const users = (await git(a, "commit-tree", tree, "-p", p1!, "-p", p2!, "-m", "my merge")).trim();
    const made = await mergeHeads(repo, [x!, y!], new Map([[`${p1} ${p2}`, users]]));
    expect(mergeTrees).toBe(1);
    expect(made.commit).not.toBe(users);
    expect(made.conflicts.map((c) => c.path)).toEqual(["f.txt"]);
  });

  it("takes the smaller sha where two Herald merges of one pair are here (another git or Herald version made one)", async () => {
    const [x, y] = await setUp();
    const a = sb.clones.a!;
    const ours = (await mergeHeads(repo, [x!, y!])).commit;
    const [p1, p2] = [x!, y!].sort();
    const tree = (await git(a, "rev-parse", `${p1}^{tree}`)).trim();
    const env = { ...process.env, GIT_AUTHOR_NAME: HERALD_IDENTITY.name, GIT_AUTHOR_EMAIL: HERALD_IDENTITY.email, GIT_COMMITTER_NAME: HERALD_IDENTITY.name, GIT_COMMITTER_EMAIL: HERALD_IDENTITY.email };
    const theirs = execFileSync("git", ["commit-tree", tree, "-p", p1!, "-p", p2!, "-m", "herald: merge, another version"], { cwd: a, env, encoding: "utf8" }).trim();
    for (const order of [[ours, theirs], [theirs, ours]]) {
      const known: KnownMerges = new Map();
      await userFrontier(repo, order, new Set(), known);
      expect(known.get(`${p1} ${p2}`)).toBe([ours, theirs].sort()[0]);
    }
  });
});
