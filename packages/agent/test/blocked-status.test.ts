// Issue 16, item 5: an uncommitted edit of a file an incoming commit changes is never lost. The
// clone says why it cannot move (status.blocked, which `herald status` prints), the other clones
// keep syncing, and once the user commits, the merge keeps both versions and every clone converges.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";
import { isAncestor } from "./fixtures.js";

describe("a clone held back by its user's uncommitted edit", () => {
  let sb: Sandbox;
  let agents: Record<string, Running> = {};
  afterEach(async () => {
    await stopAll(agents);
    await sb?.cleanup();
  });

  it("says why, lets the others sync, and converges with both versions once the user commits", async () => {
    sb = await makeSandbox(["a", "b", "c"], "mesh");
    const [a, b, c] = [sb.clones.a!, sb.clones.b!, sb.clones.c!];
    await commitFile(a, "notes.txt", "first\n");
    await git(b, "pull", "-q", "--ff-only", a, "main");
    await git(c, "pull", "-q", "--ff-only", a, "main");
    agents = await startAgents(sb.clones);
    const mine = "c's own words, not committed yet\n";
    await writeFile(join(c, "notes.txt"), mine);

    const theirs = await commitFile(a, "notes.txt", "a's change\n");
    const blocked = await waitFor(async () => (await agents.c!.agent.status()).blocked, 30_000, "c to say why it cannot move");
    expect(blocked.files).toEqual(["notes.txt"]);
    expect(await isAncestor(c, theirs, blocked.sha)).toBe(true);
    // One state per remote: a, whose commit waits, is behind, never "in sync" beside BLOCKED.
    const remoteA = (await agents.c!.agent.status()).remotes.find((r) => r.name === "a");
    expect(remoteA).toMatchObject({ ahead: 0 });
    expect(remoteA!.behind).toBeGreaterThan(0);
    // The rest of the network keeps syncing meanwhile.
    const later = await commitFile(b, "other.txt", "b goes on\n");
    await waitFor(async () => (await head(a)) === (await head(b)) && isAncestor(a, later, await head(a)), 30_000, "a and b in sync");
    expect(await readFile(join(c, "notes.txt"), "utf8")).toBe(mine);

    const own = await commitFile(c, "notes.txt", mine, "c's edit");
    const final = await waitFor(async () => {
      const h = await head(a);
      return h === (await head(b)) && h === (await head(c)) && (await isAncestor(a, own, h)) && (await isAncestor(a, later, h)) ? h : null;
    }, 30_000, "all three at one HEAD holding every commit");
    expect((await agents.c!.agent.status()).blocked).toBeUndefined();
    // Both versions of notes.txt are in the merged tree (one under its name, one as a variant).
    const blobs = (await git(a, "ls-tree", "-r", "--format=%(objectname)", final)).split("\n");
    expect(blobs).toContain((await git(a, "rev-parse", `${theirs}:notes.txt`)).trim());
    expect(blobs).toContain((await git(a, "rev-parse", `${own}:notes.txt`)).trim());
    for (const dir of [a, b, c]) expect(await git(dir, "status", "--porcelain")).toBe("");
  }, 90_000);
});
