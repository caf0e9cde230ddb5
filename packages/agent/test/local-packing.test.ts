// Between clones on one machine git's delta search costs CPU for bytes that cost nothing to copy
// (npm run chaos: the convergence time went to concurrent pack-objects). Pushes to and fetches
// from a remote that is a local path send packs without new deltas (remotes.ts); what arrives is
// read from the receiver's new pack with `git verify-pack -v`, which marks each deltified object.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fetchOptions, pushOptions } from "../src/sync/remotes.js";
import { startOne, type Running } from "./helpers.js";

/** 150 files of 20 KB that differ in one line: plenty for deltas, and above git's unpackLimit
 * (100), so the receiver keeps the pack as sent instead of exploding it into loose objects. */
async function similarFiles(dir: string): Promise<string> {
  const body = Array.from({ length: 400 }, (_, i) => `shared line ${i} ${"x".repeat(40)}`).join("\n");
  for (let i = 0; i < 150; i++) await writeFile(join(dir, `note-${i}.txt`), `file ${i}\n${body}\n`);
  await git(dir, "add", ".");
  await git(dir, "commit", "-qm", "150 similar notes");
  return head(dir);
}

const packs = async (dir: string) => new Set((await readdir(join(dir, ".git", "objects", "pack"))).filter((f) => f.endsWith(".idx")));

/** Objects stored as deltas in the packs that appeared since `before`. */
async function deltasInNewPacks(dir: string, before: Set<string>): Promise<{ packs: number; deltas: number }> {
  const fresh = [...(await packs(dir))].filter((p) => !before.has(p));
  let deltas = 0;
  for (const p of fresh) {
    const out = await git(dir, "verify-pack", "-v", join(dir, ".git", "objects", "pack", p));
    // "<sha> <type, padded> <size> <size-in-pack> <offset> <depth> <base-sha>": a delta has a base
    deltas += out.split("\n").filter((l) => /^[0-9a-f]{40} \w+ +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/.test(l)).length;
  }
  return { packs: fresh.length, deltas };
}

describe("packing between clones on one machine", () => {
  let sb: Sandbox;
  let r: Running | undefined;
  afterEach(async () => {
    await r?.agent.stop();
    r = undefined;
    await sb?.cleanup();
  });

  it("only local remotes get the options", () => {
    expect(pushOptions({ path: "/srv/peer" })).toEqual(["-c", "pack.window=0"]);
    expect(fetchOptions({ path: "/srv/peer" })).toEqual(["--upload-pack=git -c pack.window=0 upload-pack"]);
    expect(pushOptions({})).toEqual([]);
    expect(fetchOptions({})).toEqual([]);
  });

  it("git itself makes deltas of these files (so the tests below can tell)", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    await similarFiles(sb.clones.a!);
    const before = await packs(sb.clones.b!);
    await git(sb.clones.a!, "push", "-q", "b", "HEAD:refs/remotes/a/main");
    const got = await deltasInNewPacks(sb.clones.b!, before);
    expect(got.packs).toBe(1);
    expect(got.deltas).toBeGreaterThan(100);
  });

  it("a push into a peer clone sends no new deltas", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const sha = await similarFiles(sb.clones.a!);
    const before = await packs(sb.clones.b!);
    r = await startOne(sb.clones.a!);
    await r.agent.sync();
    await waitFor(async () => (await git(sb.clones.b!, "rev-parse", "-q", "--verify", "refs/remotes/a/main").catch(() => "")).trim() === sha, 15_000, "a's push into b");
    expect(await deltasInNewPacks(sb.clones.b!, before)).toEqual({ packs: 1, deltas: 0 });
  });

  it("a fetch from a peer clone brings no new deltas", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const sha = await similarFiles(sb.clones.a!);
    await commitFile(sb.clones.b!, "b.txt", "b's own\n");
    const before = await packs(sb.clones.b!);
    r = await startOne(sb.clones.b!);
    await r.agent.sync();
    await waitFor(async () => (await git(sb.clones.b!, "merge-base", "--is-ancestor", sha, "HEAD").then(() => true, () => false)), 15_000, "b to merge a's commit");
    expect(await deltasInNewPacks(sb.clones.b!, before)).toEqual({ packs: 1, deltas: 0 });
  });
});
