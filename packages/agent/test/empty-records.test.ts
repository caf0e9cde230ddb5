// After a merge pass, the records holding peers' Herald merges are emptied (sync/peer-records.ts):
// in a mesh, one per peer. They go in one git process (`update-ref --stdin`, a transaction of
// compare-and-swap deletes); a record a push moved meanwhile fails the transaction, and then the
// others go one by one while the moved one stays.
import { commitFile, git, type Sandbox } from "@herald/testkit";
import { threeConflictingHeads } from "./fixtures.js";
import { GitRepo } from "../src/git/repo.js";
import { mergeHeads } from "../src/git/merge-heads.js";
import { PeerRecords } from "../src/sync/peer-records.js";
import { silentLogger } from "../src/log.js";

describe("records holding peers' merges are emptied together", () => {
  let sb: Sandbox;
  let repo: GitRepo;
  afterEach(async () => {
    repo?.close();
    await sb?.cleanup();
  });

  async function setUp() {
    const made = await threeConflictingHeads();
    sb = made.sb;
    const { a, heads } = made;
    repo = await GitRepo.open(a);
    const m1 = (await mergeHeads(repo, heads.slice(0, 2))).commit;
    const m2 = (await mergeHeads(repo, heads)).commit;
    // b and c each pushed a merge of theirs into their record here.
    await git(a, "update-ref", "refs/remotes/b/main", m1);
    await git(a, "update-ref", "refs/remotes/c/main", m2);
    const emptied: string[] = [];
    const processes: string[][] = [];
    const exec = repo.exec.bind(repo);
    repo.exec = (args, ...rest) => { processes.push(args); return exec(args, ...rest); };
    const records = new PeerRecords({ repo, log: silentLogger, isBare: () => false, onEmptied: (ref) => emptied.push(ref) });
    return { a, m1, m2, records, emptied, processes };
  }

  it("empties every record in one transaction", async () => {
    const { m1, m2, records, emptied, processes } = await setUp();
    await records.emptyMerged([["refs/remotes/b/main", m1], ["refs/remotes/c/main", m2]]);
    expect((await repo.refs("refs/remotes/")).size).toBe(0);
    expect(emptied.sort()).toEqual(["refs/remotes/b/main", "refs/remotes/c/main"]);
    expect(processes.filter((p) => p[0] === "update-ref")).toEqual([["update-ref", "--stdin"]]);
    // What each held is still known: the peer has it (no push back), and it pushed it.
    expect([await records.lastHeld("refs/remotes/b/main"), await records.lastHeld("refs/remotes/c/main")]).toEqual([m1, m2]);
  });

  it("keeps a record a push moved meanwhile, and empties the others", async () => {
    const { a, m1, m2, records, emptied } = await setUp();
    const moved = await commitFile(sb.clones.c!, "g.txt", "c again\n");
    await git(a, "fetch", "-q", sb.clones.c!, "main:refs/tmp/c2");
    await git(a, "update-ref", "refs/remotes/c/main", moved); // c's next push landed (c left its merge behind)
    await records.emptyMerged([["refs/remotes/b/main", m1], ["refs/remotes/c/main", m2]]);
    expect(Object.fromEntries(await repo.refs("refs/remotes/"))).toEqual({ "refs/remotes/c/main": moved });
    expect(emptied).toEqual(["refs/remotes/b/main"]);
    expect([await records.lastHeld("refs/remotes/b/main"), await records.lastHeld("refs/remotes/c/main")]).toEqual([m1, moved]);
  });
});
