// A git killed while it updates a ref leaves `<ref>.lock` behind for good (found by npm run chaos,
// mesh10: a peer killed mid-push locked our record of its branch for the whole run, so neither its
// pushes nor our fetches from it landed). The fetch removes such a lock, only an old one, and only
// on a record (refs/remotes/), never on a branch of the clone or anything else in .git.
import { commitFile, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STALE_MS, staleRecordLock } from "../src/git/stale-ref-lock.js";
import { exists, recordsOf } from "./fixtures.js";
import { startOne, type Running } from "./helpers.js";

const said = (path: string) => `error: cannot lock ref 'x': Unable to create '${path}': File exists.\n\nAnother git process seems to be running`;

async function lockFile(path: string, ageMs: number): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, "");
  const t = (Date.now() - ageMs) / 1000;
  await utimes(path, t, t);
  return path;
}

describe("which lock is stale", () => {
  let gitDir: string;
  beforeEach(async () => void (gitDir = await mkdtemp(join(tmpdir(), "herald-lock-"))));
  afterEach(async () => rm(gitDir, { recursive: true, force: true }));

  it("an old lock on a record", async () => {
    const lock = await lockFile(join(gitDir, "refs", "remotes", "c10", "main.lock"), STALE_MS + 5000);
    expect(await staleRecordLock(gitDir, said(lock))).toBe(lock);
  });

  it("not a lock held now", async () => {
    const lock = await lockFile(join(gitDir, "refs", "remotes", "c10", "main.lock"), 0);
    expect(await staleRecordLock(gitDir, said(lock))).toBeNull();
  });

  it("not a branch's, the index's, or one outside refs/remotes by way of ..", async () => {
    for (const rel of ["refs/heads/main.lock", "index.lock", "refs/remotes/../heads/main.lock"]) {
      const lock = await lockFile(join(gitDir, "refs", "heads", "main.lock"), STALE_MS + 5000);
      await lockFile(join(gitDir, "index.lock"), STALE_MS + 5000);
      expect(await staleRecordLock(gitDir, said(`${gitDir}/${rel}`))).toBeNull();
      expect(await exists(lock)).toBe(true);
    }
  });

  it("nothing when git said something else", async () => {
    await lockFile(join(gitDir, "refs", "remotes", "c10", "main.lock"), STALE_MS + 5000);
    expect(await staleRecordLock(gitDir, "fatal: couldn't find remote ref main")).toBeNull();
  });
});

describe("a fetch into a record a killed git left locked", () => {
  let sb: Sandbox;
  let b: Running | undefined;
  afterEach(async () => {
    await b?.agent.stop();
    await sb?.cleanup();
  });

  it("removes the stale lock, fetches, and merges", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const theirs = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    const dirB = sb.clones.b!;
    const lock = await lockFile(join(dirB, ".git", "refs", "remotes", "a", "main.lock"), STALE_MS + 5000);
    b = await startOne(dirB);
    await b.agent.sync();
    await waitFor(async () => (await head(dirB)) === theirs, 15_000, "b to merge a's commit");
    expect(await exists(lock)).toBe(false);
    expect(recordsOf(b, "stale-lock-removed").map((r) => r.lock)).toEqual([lock]);
    expect(recordsOf(b, "fetch-failed")).toEqual([]);
  });
});
