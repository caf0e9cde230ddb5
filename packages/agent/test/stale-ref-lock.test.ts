// A git killed while it updates a ref leaves `<ref>.lock` behind for good (found by npm run chaos,
// mesh10: a peer killed mid-push locked our record of its branch for the whole run, so neither its
// pushes nor our fetches from it landed). The fetch removes such a lock, only an old one, and only
// on a record (refs/remotes/), never on a branch of the clone or anything else in .git.
import { createLogger, type LogRecord } from "@herald/agent";
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { STALE_MS, staleRecordLock } from "../src/git/stale-ref-lock.js";
import { PeerRecords } from "../src/sync/peer-records.js";
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

  it("an old packed-refs.lock (git takes it to delete a packed ref), not a fresh one", async () => {
    const old = await lockFile(join(gitDir, "packed-refs.lock"), STALE_MS + 5000);
    expect(await staleRecordLock(gitDir, `error: Unable to create '${old}': File exists.`)).toBe(old);
    await lockFile(old, 0);
    expect(await staleRecordLock(gitDir, `error: Unable to create '${old}': File exists.`)).toBeNull();
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

// Emptying a record is a compare-and-swap delete. Any failure of it used to read as "a push moved
// it meanwhile": behind a lock a killed git left, the record stayed forever, and with it every
// push of that peer into it and every fetch of ours was refused (npm run chaos, mesh10: a clone
// that never converged, with nothing in its log).
describe("emptying a record behind a stale lock", () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  async function setUp(): Promise<{ repo: GitRepo; records: PeerRecords; logged: LogRecord[]; held: string }> {
    sb = await makeSandbox(["a", "b"], "line");
    const b = sb.clones.b!;
    const held = await commitFile(b, "b.txt", "in HEAD already\n");
    await git(b, "update-ref", "refs/remotes/a/main", held);
    await git(b, "pack-refs", "--all"); // what `git gc` does: the record now lives in packed-refs
    const logged: LogRecord[] = [];
    const repo = await GitRepo.open(b);
    const records = new PeerRecords({ repo, log: createLogger([(r) => logged.push(r)], "debug"), isBare: () => false, onEmptied: () => undefined });
    return { repo, records, logged, held };
  }

  it("removes an old packed-refs.lock and empties the record", async () => {
    const { repo, records, logged, held } = await setUp();
    const lock = await lockFile(join(repo.gitDir, "packed-refs.lock"), STALE_MS + 5000);
    expect(await records.emptyIfHeadHolds("refs/remotes/a/main", held)).toBe("emptied");
    expect(await records.held("refs/remotes/a/main")).toBeUndefined();
    expect(await exists(lock)).toBe(false);
    expect(logged.filter((r) => r.event === "stale-lock-removed").map((r) => r.lock)).toEqual([lock]);
  });

  it("says so when it cannot, and leaves a fresh lock to its owner", async () => {
    const { repo, records, logged, held } = await setUp();
    const lock = await lockFile(join(repo.gitDir, "packed-refs.lock"), 0);
    expect(await records.emptyIfHeadHolds("refs/remotes/a/main", held)).not.toBe("emptied");
    expect(await records.held("refs/remotes/a/main")).toBe(held);
    expect(await exists(lock)).toBe(true);
    expect(logged.filter((r) => r.event === "record-not-emptied")).toHaveLength(1);
  });
});

// A receive-pack killed while it updated a bare hub's branch leaves the hub's `refs/heads/main.lock`,
// and every clone's push to it is refused from then on (npm run chaos, star7: 127 refusals, each
// taken for a non-fast-forward, so every clone fetched and merged in vain).
describe("a push into a remote ref a killed git left locked", () => {
  let sb: Sandbox;
  let a: Running | undefined;
  afterEach(async () => {
    await a?.agent.stop();
    await sb?.cleanup();
  });

  it("removes the stale lock on a remote on this machine, and the push lands", async () => {
    sb = await makeSandbox(["a"], [], { bares: ["hub"] });
    const hub = sb.bare.hub!;
    const lock = await lockFile(join(hub, "refs", "heads", "main.lock"), STALE_MS + 5000);
    a = await startOne(sb.clones.a!);
    const mine = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    await waitFor(async () => (await git(hub, "rev-parse", "main")).trim() === mine, 15_000, "the hub to take a's commit");
    expect(await exists(lock)).toBe(false);
    expect(recordsOf(a, "stale-lock-removed").map((r) => r.lock)).toEqual([lock]);
    expect(recordsOf(a, "push-rejected")).toEqual([]); // no fetch and merge in vain
  });

  it("leaves a fresh lock to its owner, and says the ref is locked, not that the push was a non-fast-forward", async () => {
    sb = await makeSandbox(["a"], [], { bares: ["hub"] });
    const hub = sb.bare.hub!;
    const lock = await lockFile(join(hub, "refs", "heads", "main.lock"), 0);
    a = await startOne(sb.clones.a!);
    await commitFile(sb.clones.a!, "a.txt", "from a\n");
    await waitFor(async () => recordsOf(a!, "push-failed").length > 0, 15_000, "the push to fail");
    expect(String(recordsOf(a, "push-failed")[0]!.error)).toMatch(/hub refused the push: its refs\/heads\/main is locked/);
    expect(recordsOf(a, "push-rejected")).toEqual([]);
    expect(await exists(lock)).toBe(true);
  });
});
