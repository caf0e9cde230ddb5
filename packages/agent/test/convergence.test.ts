// Concurrent commits on all five nodes of a mesh, some conflicting (same text file, a binary file,
// delete/modify): every node ends at one identical HEAD, every commit is reachable from it, both
// variants of each conflict are there, no conflict markers anywhere, and then the network is quiet.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";

const names = ["n1", "n2", "n3", "n4", "n5"];

async function filesOf(dir: string): Promise<string[]> {
  return (await git(dir, "ls-files", "-z")).split("\0").filter(Boolean).sort();
}

describe("convergence after concurrent, conflicting commits on a 5-node mesh", () => {
  let sb: Sandbox;
  let agents: Record<string, Running>;
  afterAll(async () => {
    await stopAll(agents ?? {});
    await sb?.cleanup();
  });

  it("ends with one identical HEAD everywhere and then goes quiet", async () => {
    sb = await makeSandbox(names, "mesh");
    // Shared starting files for the modify/delete case.
    await commitFile(sb.clones.n1!, "shared.txt", "line\n");
    for (const n of names.slice(1)) await git(sb.clones[n]!, "pull", "-q", "--ff-only", sb.clones.n1!, "main");
    agents = await startAgents(sb.clones);

    const made: string[] = [];
    await Promise.all(names.map(async (n, i) => {
      made.push(await commitFile(sb.clones[n]!, `${n}.txt`, `own file of ${n}\n`));
      made.push(await commitFile(sb.clones[n]!, "same.txt", `${n} wrote this line\n`)); // text conflict
      made.push(await commitFile(sb.clones[n]!, "pic.bin", Buffer.from([0, 1, 2, 255, i, 0, 7]))); // binary conflict
      if (n === "n1") {
        await rm(join(sb.clones.n1!, "shared.txt"));
        await git(sb.clones.n1!, "commit", "-qam", "delete shared");
        made.push(await head(sb.clones.n1!));
      }
      if (n === "n2") made.push(await commitFile(sb.clones.n2!, "shared.txt", "modified by n2\n")); // modify/delete
    }));

    const converged = async () => {
      const heads = await Promise.all(names.map((n) => head(sb.clones[n]!)));
      if (!heads.every((h) => h === heads[0])) return null;
      await Promise.all(Object.values(agents).map((a) => a.agent.idle()));
      // Converged means no work left either: a push a peer refused while it still held our last
      // merge sits in the retry queue (2 s), and its retry would update that peer's record of us.
      const statuses = await Promise.all(Object.values(agents).map((a) => a.agent.status()));
      if (statuses.some((s) => Object.keys(s.retries).length > 0)) return null;
      const again = await Promise.all(names.map((n) => head(sb.clones[n]!)));
      return again.every((h) => h === heads[0]) ? heads[0] : null;
    };
    const final = await waitFor(converged, 100_000, "one HEAD on all nodes");
    const convergedAt = Date.now();

    for (const n of names) {
      const dir = sb.clones[n]!;
      // Every commit ever made is reachable from the final HEAD on every node.
      for (const c of made) expect((await git(dir, "merge-base", c, final)).trim()).toBe(c);
      // Clean tree, nothing mid-merge.
      expect((await git(dir, "status", "--porcelain")).trim()).toBe("");
      await expect(readFile(join(dir, ".git", "MERGE_HEAD"))).rejects.toThrow();
      const files = await filesOf(dir);
      // All five versions of the text and binary conflicts are kept: one at the path, four beside it.
      expect(files.filter((f) => /^same\.variant-[0-9a-f]{8}\.txt$/.test(f))).toHaveLength(4);
      expect(files.filter((f) => /^pic\.variant-[0-9a-f]{8}\.bin$/.test(f))).toHaveLength(4);
      expect(files).toContain("same.txt");
      expect(files).toContain("pic.bin");
      // Modified beats deleted: n2's edit survives.
      expect(await readFile(join(dir, "shared.txt"), "utf8")).toBe("modified by n2\n");
      // No conflict markers anywhere in the tree.
      for (const f of files) {
        const text = await readFile(join(dir, f), "latin1");
        expect(text).not.toMatch(/^(<<<<<<<|>>>>>>>) /m);
      }
      const variantTexts = await Promise.all(files.filter((f) => f === "same.txt" || f.startsWith("same.variant-")).map((f) => readFile(join(dir, f), "utf8")));
      expect(variantTexts.sort()).toEqual(names.map((m) => `${m} wrote this line\n`).sort());
    }

    // Quiet: no push or merge in the 5 s after convergence.
    const before = Object.values(agents).map((a) => a.records.length);
    await new Promise((r) => setTimeout(r, 5000));
    const late = Object.values(agents).flatMap((a, i) => a.records.slice(before[i]))
      .filter((r) => r.event === "pushed" || r.event === "merged");
    expect(late).toEqual([]);
    expect(Date.now() - convergedAt).toBeGreaterThanOrEqual(5000);
  }, 150_000);
});
