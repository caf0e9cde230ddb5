// `herald conflicts` on a real conflict: two clones with agents running (announcing over a real
// Prosody as well as pushing) edit one file at once,
// the agents' merge keeps both versions, the newer commit's at the path and the other beside it;
// then list, show and resolve it from the command line, and watch the agents carry the
// resolution to the other clone.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Agent } from "@herald/agent";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { commitAsUser, startAgents, stopAgents } from "./in-process-agents.js";
import { herald, lines } from "./run-herald.js";

const variantsOf = async (dir: string, name = "same") => (await git(dir, "ls-files")).split("\n").filter((f) => f.startsWith(`${name}.variant-`));
/** A minute ahead of now: n2's edit is the newer commit, so its version keeps the name. */
const later = () => Math.floor(Date.now() / 1000) + 60;

describe("herald conflicts", () => {
  let sb: Sandbox;
  let server: XmppServer;
  let agents: Agent[] = [];
  let n1: string, n2: string;
  beforeAll(async () => {
    sb = await makeSandbox(["n1", "n2"], "line");
    [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    // A common base, so the two edits make a content conflict (not add/add).
    await commitFile(n1, "same.txt", "base\n");
    await git(n2, "pull", "-q", "--ff-only", n1, "main");
    server = await startXmppServer({ accounts: ["n1", "n2"] });
    for (const [dir, me, peer] of [[n1, "n1", "n2"], [n2, "n2", "n1"]] as const) {
      for (const [k, v] of [["herald.jid", `${me}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile!], ["herald.peer", `${peer}@${server.domain}`]] as const) {
        await git(dir, "config", k, v);
      }
    }
    agents = await startAgents([n1, n2], (dir) => ({ HERALD_PASSWORD: dir === n1 ? "n1-pw" : "n2-pw" }));
    await waitFor(async () => agents.every((a) => a.channel?.stats.online), 10_000, "both agents on XMPP");
    // Paused, neither agent can pass its commit on before the other clone has made its own.
    agents.forEach((a) => a.pause());
    await commitAsUser(n1, "same.txt", "written on n1\n");
    await commitAsUser(n2, "same.txt", "written on n2\n", later());
    agents.forEach((a) => a.resume());
    await waitFor(async () => {
      const [h1, h2] = [await head(n1), await head(n2)];
      return h1 === h2 && (await variantsOf(n1)).length === 1 && (await variantsOf(n2)).length === 1;
    }, 30_000, "both clones at the merge that keeps both versions");
  });
  afterAll(async () => {
    await stopAgents(agents);
    await server?.stop();
    await sb?.cleanup();
  });

  /** A new conflict on `<name>.txt`: both clones edit it while the agents are paused. */
  async function conflictOn(name: string): Promise<void> {
    agents.forEach((a) => a.pause());
    await commitAsUser(n1, `${name}.txt`, `${name} from n1\n`);
    await commitAsUser(n2, `${name}.txt`, `${name} from n2\n`, later());
    agents.forEach((a) => a.resume());
    await waitFor(async () => (await head(n1)) === (await head(n2)) && (await variantsOf(n2, name)).length === 1, 30_000, `both clones at the merge that keeps both versions of ${name}.txt`);
  }

  it("lists the conflict on both clones, with each side's author and the newer side's version at the path; ours is this clone's", async () => {
    for (const [dir, me] of [[n1, "n1"], [n2, "n2"]] as const) {
      await waitFor(() => herald(["conflicts", "--repo", dir]).then((r) => r.stdout.includes("same.txt")), 10_000, "the conflict record");
      const r = await herald(["conflicts", "--repo", dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^same\.txt: content conflict, merged \d{4}-\d\d-\d\d \d\d:\d\d UTC in [0-9a-f]{12}$/m);
      // n2's commit is the newer: on both clones its version kept the name, n1's is beside it.
      const notes = (who: string, atPath: boolean) => [atPath ? "kept the name" : "", who === me ? "ours, committed here" : ""].filter(Boolean).join(", ");
      const line = (file: string, who: string, atPath: boolean) => new RegExp(`^  ${file} +from [0-9a-f]{12} by ${who}@example\\.org${notes(who, atPath) ? ` \\(${notes(who, atPath)}\\)` : ""}$`, "m");
      expect(r.stdout).toMatch(line("same\\.txt", "n2", true));
      expect(r.stdout).toMatch(line("same\\.variant-[0-9a-f]{8}\\.txt", "n1", false));
      const [c] = JSON.parse((await herald(["conflicts", "--json"], { cwd: dir })).stdout) as Array<{ variants: Array<{ file: string; ours: boolean; atPath: boolean }> }>;
      expect(c!.variants.map((v) => [v.file, v.atPath])).toEqual([["same.txt", true], [(await variantsOf(dir))[0], false]]);
      const ours = c!.variants.find((v) => v.ours)!;
      expect(ours.atPath).toBe(me === "n2");
      expect(await readFile(join(dir, ours.file), "utf8")).toBe(`written on ${me}\n`);
    }
  });

  it("shows both versions as a diff", async () => {
    const r = await herald(["conflicts", "show", "same.txt"], { cwd: n1 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^diff --git a\/same\.txt b\/same\.variant-/m);
    expect(r.stdout).toContain("-written on n");
    expect(r.stdout).toContain("+written on n");
  });

  it("rejects an unknown path and a bad --keep (exit 2, one line), changing nothing", async () => {
    const before = await head(n1);
    const unknown = await herald(["conflicts", "resolve", "nope.txt", "--keep", "theirs", "--repo", n1]);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toEqual(["herald: no conflict recorded for nope.txt (see herald conflicts)"]);
    const bad = await herald(["conflicts", "resolve", "same.txt", "--keep", "mine", "--repo", n1]);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^herald: --keep mine: expected ours, theirs, both or one of the variant files: same\.txt, same\.variant-/)]);
    expect((await herald(["conflicts", "show", "nope.txt", "--repo", n1])).code).toBe(2);
    expect(await head(n1)).toBe(before);
  });

  it("refuses to resolve over uncommitted changes to a variant (exit 1)", async () => {
    const [v] = await variantsOf(n2);
    await writeFile(join(n2, v!), "my unsaved edit\n");
    try {
      const r = await herald(["conflicts", "resolve", "same.txt", "--keep", "ours", "--repo", n2]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([`herald: uncommitted changes in ${v}; commit or stash them first (nothing was changed)`]);
      expect(await readFile(join(n2, v!), "utf8")).toBe("my unsaved edit\n");
    } finally {
      await git(n2, "checkout", "--", v!);
    }
  });

  it("resolve --keep theirs takes the other side (here the one at the path), commits as the user, and both clones converge", async () => {
    const [beside] = await variantsOf(n1);
    const r = await herald(["conflicts", "resolve", "same.txt", "--keep", "theirs", "--repo", n1]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^settled same\.txt: kept theirs \(same\.txt\); committed [0-9a-f]{12}$/m);
    expect((await git(n1, "show", "--format=", "--name-status", "HEAD")).trim()).toBe(`D\t${beside}`);
    expect(await readFile(join(n1, "same.txt"), "utf8")).toBe("written on n2\n");
    expect(await variantsOf(n1)).toEqual([]);
    expect((await git(n1, "status", "--porcelain")).trim()).toBe("");
    const [subject, author] = (await git(n1, "log", "-1", "--format=%s%n%ae")).trim().split("\n");
    expect(subject).toMatch(/^herald: settle conflict in same\.txt, kept theirs/);
    expect(author).toBe("n1@example.org");

    // The running agents carry it over: one HEAD, the same content, no variants on either clone.
    await waitFor(async () => (await head(n2)) === (await head(n1)) && existsSync(join(n2, "same.txt")), 20_000, "n2 at n1's resolution");
    expect(await readFile(join(n2, "same.txt"), "utf8")).toBe("written on n2\n");
    expect(await variantsOf(n2)).toEqual([]);
    expect(existsSync(join(n2, beside!))).toBe(false);
    for (const dir of [n1, n2]) expect((await herald(["conflicts", "--repo", dir])).stdout).toBe("no conflicts\n");
  });

  it("says so when resolving one already resolved (exit 0), here and on the other clone", async () => {
    const before = await head(n1);
    const again = await herald(["conflicts", "resolve", "same.txt", "--keep", "ours", "--repo", n1]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^same\.txt: already resolved \(kept theirs/);
    const there = await herald(["conflicts", "resolve", "same.txt", "--keep", "ours", "--repo", n2]);
    expect(there.code).toBe(0);
    // n2 took in n1's settlement commit: it knows what was kept there.
    expect(there.stdout).toMatch(/^same\.txt: already resolved \(kept theirs \(same\.txt\)\); nothing to do$/m);
    expect(await head(n1)).toBe(before);
    const all = JSON.parse((await herald(["conflicts", "--all", "--json", "--repo", n1])).stdout) as Array<{ state: string; resolved?: { keep: string } }>;
    expect(all).toEqual([expect.objectContaining({ state: "resolved", resolved: expect.objectContaining({ keep: expect.stringMatching(/^theirs/) }) })]);
  });

  it("resolve --keep both commits the decision, and the other clone counts it settled too", async () => {
    await conflictOn("other");
    await waitFor(async () => (await agents[1]!.status()).conflicts === 1, 10_000, "n2 to count the conflict");

    const r = await herald(["conflicts", "resolve", "other.txt", "--keep", "both", "--repo", n1]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^settled other\.txt: kept both; committed [0-9a-f]{12}$/m);
    expect((await git(n1, "log", "-1", "--format=%s")).trim()).toBe("herald: settle conflict in other.txt, kept both");
    expect((await git(n1, "show", "--format=", "--name-only", "HEAD")).trim()).toBe(""); // no file changed

    // n2's agent takes the settlement in and marks its own record: the count drops, the list empties.
    await waitFor(async () => (await head(n2)) === (await head(n1)), 20_000, "n2 at n1's settlement");
    await waitFor(async () => (await agents[1]!.status()).conflicts === 0, 10_000, "n2 to count it settled");
    expect(await variantsOf(n2, "other")).toHaveLength(1); // both versions stay, as chosen
    expect(await readFile(join(n2, "other.txt"), "utf8")).toBe("other from n2\n");
    expect((await herald(["conflicts", "--repo", n2])).stdout).toBe("no conflicts\n");
    const listed = JSON.parse((await herald(["conflicts", "--all", "--json", "--repo", n2])).stdout) as Array<{ path: string; state: string; resolved?: { keep: string } }>;
    expect(listed.find((c) => c.path === "other.txt")).toEqual(expect.objectContaining({ state: "resolved", resolved: expect.objectContaining({ keep: "both" }) }));
  });

  it("a settlement that arrives inside a merge (the other clone committed meanwhile) counts too", async () => {
    await conflictOn("fourth");
    await waitFor(async () => (await agents[1]!.status()).conflicts === 1, 10_000, "n2 to count the conflict");
    agents[1]!.pause();
    await commitAsUser(n2, "unrelated.txt", "n2 goes on working\n");
    expect((await herald(["conflicts", "resolve", "fourth.txt", "--keep", "both", "--repo", n1])).code).toBe(0);
    const settlement = await head(n1);
    await waitFor(async () => (await git(n2, "rev-parse", "-q", "--verify", "refs/remotes/n1/main").catch(() => "")).trim() === settlement, 20_000, "the settlement pushed to n2");
    agents[1]!.resume(); // n2 merges its own commit with the settlement: not a fast-forward
    await waitFor(async () => (await git(n2, "merge-base", "--is-ancestor", settlement, "HEAD").then(() => true, () => false)), 20_000, "n2 to merge the settlement");
    expect((await git(n2, "rev-list", "--parents", "-n1", "HEAD")).trim().split(" ")).toHaveLength(3);
    await waitFor(async () => (await agents[1]!.status()).conflicts === 0, 10_000, "n2 to count it settled");
  });

  it("resolve --keep theirs on the clone whose version kept the name puts the other side's version at the path", async () => {
    await conflictOn("fifth");
    const [beside] = await variantsOf(n2, "fifth");
    expect(await readFile(join(n2, "fifth.txt"), "utf8")).toBe("fifth from n2\n");
    const r = await herald(["conflicts", "resolve", "fifth.txt", "--keep", "theirs", "--repo", n2]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^settled fifth\\.txt: kept theirs \\(${beside!.replace(/\./g, "\\.")}\\); committed [0-9a-f]{12}$`, "m"));
    for (const dir of [n2, n1]) {
      await waitFor(async () => (await head(dir)) === (await head(n2)), 20_000, "n1 at n2's resolution");
      expect(await readFile(join(dir, "fifth.txt"), "utf8")).toBe("fifth from n1\n");
      expect(await variantsOf(dir, "fifth")).toEqual([]);
      expect((await git(dir, "status", "--porcelain")).trim()).toBe("");
    }
  });

  it("a conflict settled by hand on another clone (variants removed, no herald commit) reads as settled", async () => {
    await conflictOn("third");
    await git(n1, "rm", "-q", "--", ...(await variantsOf(n1, "third")));
    await git(n1, "commit", "-qm", "settled by hand");
    await waitFor(async () => (await head(n2)) === (await head(n1)), 20_000, "n2 at n1's commit");
    const r = await herald(["conflicts", "resolve", "third.txt", "--keep", "ours", "--repo", n2]);
    expect(r.stdout).toBe("third.txt: already resolved elsewhere (no variant file left in HEAD); nothing to do\n");
  });
});
