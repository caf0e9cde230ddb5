// The storm, short (npm run bench -- --only=storm is the long one): four clones in a mesh each
// commit two rounds at once, every round conflicting (all write one text file and one binary,
// one deletes a file another modifies) while the agents sync. Then: one HEAD everywhere, every
// commit made is in it, every version written is there (at its path or as a conflict's variant)
// unless a later commit of a user who had it changed it, the modification beat the delete, and
// no file holds conflict markers. No time limit but a safety one: this is about correctness.
import { git, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";

const names = ["s1", "s2", "s3", "s4"];
const ROUNDS = 2;

interface Made { sha: string; clone: string; round: number; path: string; data: Buffer | null }

/** git as a user runs it: again while the agent's merge holds index.lock. */
async function userGit(dir: string, ...args: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await git(dir, "-c", "core.abbrev=40", ...args);
    } catch (e) {
      if (!/index\.lock|cannot lock ref|Unable to create/.test(String((e as { stderr?: string }).stderr ?? "")) || attempt >= 400) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Write (or, with null, delete) `path` and commit it; the sha from commit's own output (HEAD may
 * be the agent's merge a moment later). */
async function commit(dir: string, clone: string, round: number, path: string, data: Buffer | null): Promise<Made> {
  if (data === null) {
    await rm(join(dir, path), { force: true });
    await userGit(dir, "rm", "-q", "--cached", "--ignore-unmatch", "--", path);
  } else {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), data);
    await userGit(dir, "add", "--", path);
  }
  const out = await userGit(dir, "commit", "--no-verify", "--allow-empty", "-m", `${clone} r${round}: ${data === null ? "delete" : "write"} ${path}`);
  const sha = /\[[^\]]*?([0-9a-f]{40})\]/.exec(out)?.[1];
  if (!sha) throw new Error(`no sha in: ${out}`);
  return { sha, clone, round, path, data };
}

const blobId = (b: Buffer) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");

describe("a storm of concurrent, conflicting rounds on a 4-clone mesh", () => {
  let sb: Sandbox;
  let agents: Record<string, Running> | undefined;
  afterAll(async () => {
    await stopAll(agents ?? {});
    await sb?.cleanup();
  }, 120_000);

  it("ends at one HEAD holding every commit and every version, with no markers", async () => {
    sb = await makeSandbox(names, "mesh");
    const s1 = sb.clones.s1!;
    for (let r = 0; r < ROUNDS; r++) {
      await mkdir(join(s1, "md"), { recursive: true });
      await writeFile(join(s1, `md/r${r}.txt`), `round ${r}: the original\n`);
    }
    await git(s1, "add", "-A");
    await git(s1, "commit", "-q", "-m", "files for the modify/delete conflicts");
    for (const n of names.slice(1)) await git(sb.clones[n]!, "pull", "-q", "--ff-only", s1, "main");
    agents = await startAgents(sb.clones);

    const made: Made[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round) await new Promise((r) => setTimeout(r, 200)); // the next round while this one is on its way
      await Promise.all(names.map(async (n, i) => {
        const dir = sb.clones[n]!;
        made.push(await commit(dir, n, round, "same.txt", Buffer.from(`${n} wrote this in round ${round}\n`)));
        made.push(await commit(dir, n, round, `own/${n}-r${round}.txt`, Buffer.from(`${n}'s own file, round ${round}\n`)));
        made.push(await commit(dir, n, round, "pic.bin", Buffer.from([0, 1, 2, 255, round, i, 0, 7])));
        if (i === 0) made.push(await commit(dir, n, round, `md/r${round}.txt`, null));
        if (i === 1) made.push(await commit(dir, n, round, `md/r${round}.txt`, Buffer.from(`round ${round}: modified by ${n}\n`)));
      }));
    }

    const shas = made.map((m) => m.sha);
    const final = await waitFor(async () => {
      const heads = await Promise.all(names.map(async (n) => (await git(sb.clones[n]!, "rev-parse", "HEAD")).trim()));
      if (heads.some((h) => h !== heads[0])) return null;
      const missing = Number((await git(s1, "rev-list", "--count", ...shas, `^${heads[0]}`, "--")).trim());
      return missing === 0 ? heads[0] : null;
    }, 300_000, "one HEAD on every clone holding every commit made");

    const blobs = new Set((await git(s1, "ls-tree", "-r", "-z", final)).split("\0").filter(Boolean).map((l) => l.split(/\s/)[2]));
    const lost: string[] = [];
    for (const m of made) {
      expect(await git(s1, "merge-base", "--is-ancestor", m.sha, final).then(() => true, () => false)).toBe(true);
      if (m.data === null || blobs.has(blobId(m.data))) continue;
      // Changed afterwards by a user commit that had this version: an edit, not a loss.
      const later = await git(s1, "rev-list", "--no-merges", "--ancestry-path", `${m.sha}..${final}`, "--", m.path);
      if (!later.trim()) lost.push(`${m.path} as ${m.clone} wrote it in round ${m.round}`);
    }
    expect(lost).toEqual([]);
    for (let r = 0; r < ROUNDS; r++) expect(await readFile(join(s1, `md/r${r}.txt`), "utf8")).toBe(`round ${r}: modified by s2\n`);
    for (const n of names) for (let r = 0; r < ROUNDS; r++) expect(await readFile(join(sb.clones[n]!, `own/${n}-r${r}.txt`), "utf8")).toBe(`${n}'s own file, round ${r}\n`);
    const markers = await git(s1, "grep", "-l", "-I", "-E", "^(<<<<<<<|>>>>>>>) ", final, "--").catch(() => "");
    expect(markers.trim()).toBe("");
    for (const n of names) expect((await git(sb.clones[n]!, "status", "--porcelain")).trim()).toBe("");
  }, 420_000);
});
