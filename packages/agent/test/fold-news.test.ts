// A fold whose heads newer work replaced is given up between steps (sync/fold-news.ts,
// merge-heads.ts FoldSuperseded), and the steps it made are taken by the next fold. In a storm
// each node's first fold was of heads already replaced, and the whole mesh folded twice. What
// must not count as news: a peer's Herald merge of the very commits being folded.
import { commitFile, git, type Sandbox } from "@herald/testkit";
import { threeConflictingHeads } from "./fixtures.js";
import { GitRepo } from "../src/git/repo.js";
import { FoldSuperseded, mergeHeads, type KnownMerges } from "../src/git/merge-heads.js";
import { FoldNews } from "../src/sync/fold-news.js";

describe("a fold gives up for newer work, and only for it", () => {
  let sb: Sandbox;
  let repo: GitRepo;
  let a: string;
  afterEach(async () => {
    repo?.close();
    await sb?.cleanup();
  });

  /** Three user commits on three clones, all touching f.txt; b's and c's fetched into a's records. */
  async function setUp(): Promise<string[]> {
    const made = await threeConflictingHeads("refs/remotes");
    ({ sb, a } = made);
    repo = await GitRepo.open(a);
    return made.heads;
  }

  const incoming = async () => [...(await repo.refs("refs/remotes/")).values()];

  it("finds no news until the merge loop is nudged, nor in a peer's merge of the fold's own heads", async () => {
    const heads = await setUp();
    const [head, ...tips] = heads as [string, ...string[]];
    let nudged = false;
    const news = new FoldNews(repo, head, tips, [...heads].sort(), incoming, () => nudged);
    // A peer's fold of the same three commits lands in its record: the same user work.
    const peers = (await mergeHeads(repo, heads)).commit;
    await git(a, "update-ref", "refs/remotes/b/main", peers);
    expect(await news.newer()).toBe(false); // not nudged: not even looked at
    nudged = true;
    expect(await news.newer()).toBe(false);
  });

  it("finds news in a user commit the fold lacks, and in HEAD moving", async () => {
    const heads = await setUp();
    const [head, ...tips] = heads as [string, ...string[]];
    const news = new FoldNews(repo, head, tips, [...heads].sort(), incoming, () => true);
    const c = sb.clones.c!;
    await commitFile(c, "g.txt", "c again\n");
    await git(a, "fetch", "-q", c, "main:refs/remotes/c/main");
    expect(await news.newer()).toBe(true);

    const still = new FoldNews(repo, head, [...(await incoming())], [...heads].sort(), incoming, () => true);
    expect(await still.newer()).toBe(false);
    await commitFile(a, "h.txt", "a local commit\n");
    expect(await still.newer()).toBe(true);
  });

  it("a fold given up keeps its steps, and folding again takes them", async () => {
    const heads = await setUp();
    const made: KnownMerges = new Map();
    let asked = 0;
    // Give up before the second step: the first is made and remembered.
    const superseded = async () => ++asked === 2;
    const err = await mergeHeads(repo, heads, made, { made, superseded }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FoldSuperseded);
    expect((err as FoldSuperseded).stepsDone).toBe(1);
    expect(made.size).toBe(1);
    const again = await mergeHeads(repo, heads, made, { made });
    expect(again.reused).toBe(1);
    expect(again.commit).toBe((await mergeHeads(repo, heads)).commit); // the same merge as a fold never given up
  });
});
