// Found by npm run chaos: a fetch whose tracking ref moved meanwhile (the peer pushed into it, or
// the merger emptied it) fails with "cannot lock ref" after git has stored the objects; the
// merger reads refs only, so the commit sat in the clone unmerged. The fetch is tried again.
// Here the race is made certain: a real lock file on the tracking ref during the first fetch.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { mergeHeads } from "../src/git/merge-heads.js";
import { startOne, type Running } from "./helpers.js";
import { installGitWrapper, recordsOf } from "./fixtures.js";

describe("a fetch that loses the race for its tracking ref", () => {
  let sb: Sandbox;
  let b: Running | undefined;
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await b?.agent.stop();
    await restore?.();
    await sb?.cleanup();
  });

  it("is tried again, and the commit is merged", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const theirs = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    const dirB = sb.clones.b!;
    const lock = join(dirB, ".git", "refs", "remotes", "a", "main.lock");
    const marker = join(sb.root, "race-once");
    await writeFile(marker, "");
    const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    ({ restore } = await installGitWrapper(`if [ "$1" = fetch ] && [ -e '${marker}' ]; then rm '${marker}'; mkdir -p '${join(dirB, ".git", "refs", "remotes", "a")}'; : > '${lock}'; '${real}' "$@"; rc=$?; rm -f '${lock}'; exit $rc; fi`));
    b = await startOne(dirB);
    await b.agent.sync();
    await waitFor(async () => (await head(dirB)) === theirs, 15_000, "b to merge a's commit");
    expect((await git(dirB, "status", "--porcelain"))).toBe("");
    expect(recordsOf(b, "fetch-failed")).toEqual([]);
  });

  // Also chaos: b's record of a held a commit a's branch has since left (a Herald merge a
  // replaced), so git refused the fetch as a non-fast-forward after storing the objects, and the
  // announced commit sat in b unmerged. A record HEAD already contains is emptied and the fetch redone.
  it("empties a record HEAD holds when the fetch is refused as non-fast-forward", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const dirB = sb.clones.b!;
    const theirs = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    const ours = await commitFile(dirB, "b.txt", "from b\n");
    await git(dirB, "update-ref", "refs/remotes/a/main", ours); // a record that a's branch does not descend from
    b = await startOne(dirB, { watchRemoteRefs: false });
    await b.agent.sync();
    await waitFor(async () => (await git(dirB, "merge-base", "--is-ancestor", theirs, "HEAD").then(() => true, () => false)), 15_000, "b to merge a's commit");
    expect(await git(dirB, "merge-base", "--is-ancestor", ours, "HEAD").then(() => true, () => false)).toBe(true);
    expect((await git(dirB, "status", "--porcelain"))).toBe("");
    expect(recordsOf(b, "fetch-failed")).toEqual([]);
    expect(recordsOf(b, "record-emptied").map((r) => r.sha)).toEqual([ours]);
  });

  it("also when the record holds a Herald merge whose work HEAD has under another merge", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const [dirA, dirB] = [sb.clones.a!, sb.clones.b!];
    const x = await commitFile(dirA, "x.txt", "x\n");
    const y = await commitFile(dirB, "y.txt", "y\n");
    await git(dirB, "fetch", "-q", dirA, "main:refs/tmp/x");
    const repo = await GitRepo.open(dirB);
    const m = (await mergeHeads(repo, [x, y])).commit; // a's merge of x and y, which a has since left
    repo.close();
    await git(dirB, "merge", "-q", "--no-edit", x); // b holds x and y under a merge of its own
    await git(dirB, "update-ref", "-d", "refs/tmp/x");
    const theirs = await commitFile(dirA, "x.txt", "x, later\n");
    b = await startOne(dirB, { watchRemoteRefs: false });
    await b.agent.idle();
    await git(dirB, "update-ref", "refs/remotes/a/main", m); // as a's push left it
    await b.agent.sync();
    await waitFor(async () => (await git(dirB, "merge-base", "--is-ancestor", theirs, "HEAD").then(() => true, () => false)), 15_000, "b to merge a's commit");
    expect((await git(dirB, "status", "--porcelain"))).toBe("");
    expect(recordsOf(b, "fetch-failed")).toEqual([]);
  });
});
