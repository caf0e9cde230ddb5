// The user's own work is never lost to syncing: a commit made while a merge runs, a git command
// holding index.lock, uncommitted edits; and with herald.autocommit, edits are committed and sent.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { watch } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";
import { bigCommit, exists, installGitWrapper, isAncestor, recordsOf, sleep } from "./fixtures.js";

describe("local work and syncing", () => {
  let sb: Sandbox;
  let agents: Record<string, Running>;
  afterEach(async () => {
    await stopAll(agents ?? {});
    await sb?.cleanup();
  });

  const both = async (...commits: string[]) => {
    const h = await head(sb.clones.a!);
    if (h !== (await head(sb.clones.b!))) return null;
    for (const c of commits) if (!(await isAncestor(sb.clones.a!, c, h))) return null;
    return h;
  };
  const settle = () => Promise.all(Object.values(agents).map((r) => r.agent.idle()));
  /** Once `sha` was on the branch, the branch never moved to a commit without it (reflog, newest first). */
  const neverDropped = async (dir: string, sha: string) => {
    const log = (await git(dir, "reflog", "--format=%H", "refs/heads/main")).split("\n").filter(Boolean);
    const since = log.lastIndexOf(sha);
    expect(since).toBeGreaterThanOrEqual(0);
    for (const h of log.slice(0, since)) expect(`${h}: ${await isAncestor(dir, sha, h)}`).toBe(`${h}: true`);
  };
  /** The user commits on b, trying again while another git holds index.lock (as a user would). */
  const commitOnB = async (path: string, text: string) => {
    let sha = "";
    await waitFor(async () => {
      try {
        sha = await commitFile(sb.clones.b!, path, text);
        return true;
      } catch (e) {
        if (/index\.lock/.test(String(e))) return false;
        throw e;
      }
    }, 20_000, "the local commit");
    return sha;
  };

  it("keeps a local commit made while a big incoming change is being merged", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const a = sb.clones.a!, b = sb.clones.b!;
    agents = await startAgents(sb.clones);
    const merging = new Promise<void>((resolve) => {
      const w = watch(join(b, ".git", "herald"), (_e, name) => {
        if (String(name) === "advance.json") { w.close(); resolve(); }
      });
    });
    const incoming = await bigCommit(a, 3000);
    await merging; // b is moving HEAD to a's commit right now: the user commits at the same moment
    const local = await commitOnB("local.txt", "made on b during the merge\n");
    const final = await waitFor(() => both(incoming, local), 30_000, "both commits on both clones");
    await settle();
    await neverDropped(b, local); // not merely brought back by a: b itself never lost it
    for (const dir of [a, b]) {
      expect(await head(dir)).toBe(final);
      expect(await git(dir, "status", "--porcelain")).toBe("");
      expect(await readFile(join(dir, "local.txt"), "utf8")).toBe("made on b during the merge\n");
      expect(await readdir(join(dir, "big"))).toHaveLength(3000);
    }
  }, 60_000);

  it("keeps a local commit made after the agent looked at HEAD and before git moves it", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    agents = await startAgents(sb.clones);
    // The first git that moves HEAD (b's, as a's commit arrives) waits 1.5 s after the agent's check.
    const wrapper = await installGitWrapper(`if [[ " $* " == *" --ff-only "* || " $* " == *" --keep "* ]] && mkdir "$WRAP/once" 2>/dev/null; then touch "$WRAP/waiting"; sleep 1.5; fi`);
    try {
      const incoming = await commitFile(sb.clones.a!, "a.txt", "from a\n");
      await waitFor(() => exists(join(wrapper.dir, "waiting")), 20_000, "b's agent to start moving HEAD");
      const local = await commitOnB("local.txt", "made on b\n");
      await waitFor(() => both(incoming, local), 20_000, "both commits on both clones");
      await settle();
      await neverDropped(sb.clones.b!, local);
    } finally {
      await wrapper.restore();
    }
  }, 60_000);

  it("defers a merge while the user's git holds index.lock and merges once it is released", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const b = sb.clones.b!;
    agents = await startAgents(sb.clones);
    await writeFile(join(b, ".git", "index.lock"), ""); // e.g. `git commit` waiting for its editor
    const sha = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    await waitFor(async () => recordsOf(agents.b!, "merge-deferred").length > 0, 20_000, "b to defer the merge");
    expect(await head(b)).not.toBe(sha);
    await rm(join(b, ".git", "index.lock")); // no ref changes: only the agent's own retry can merge now
    await waitFor(async () => (await head(b)) === sha, 20_000, "b to merge after the lock is gone");
    expect(recordsOf(agents.b!, "loop-crashed")).toEqual([]);
  }, 60_000);

  it("never overwrites an uncommitted edit, and merges once the user commits it", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const a = sb.clones.a!, b = sb.clones.b!;
    agents = await startAgents(sb.clones); // herald.autocommit is off by default
    const base = await head(b);
    await writeFile(join(b, "README.md"), "b's uncommitted edit\n");
    const incoming = await commitFile(a, "README.md", "a's committed edit\n");
    await waitFor(async () => (await git(b, "rev-parse", "refs/remotes/a/main")).trim() === incoming, 20_000, "a's commit in b");
    // Blocked, and tried again after a back-off (1 s): each time the edit stands.
    await waitFor(async () => recordsOf(agents.b!, "merge-blocked").length >= 2, 20_000, "two blocked merge attempts on b");
    expect(await readFile(join(b, "README.md"), "utf8")).toBe("b's uncommitted edit\n");
    expect(await head(b)).toBe(base);

    await git(b, "commit", "-qam", "b's edit");
    const local = await head(b);
    const final = await waitFor(() => both(incoming, local), 20_000, "a and b to converge");
    await settle();
    for (const dir of [a, b]) {
      expect(await head(dir)).toBe(final);
      expect(await git(dir, "status", "--porcelain")).toBe("");
      // One version keeps the name, the other is a variant beside it.
      const variants = (await readdir(dir)).filter((f) => f === "README.md" || /^README\.variant-[0-9a-f]{8}\.md$/.test(f));
      const texts = await Promise.all(variants.map((f) => readFile(join(dir, f), "utf8")));
      expect(texts.sort()).toEqual(["a's committed edit\n", "b's uncommitted edit\n"]);
    }
  }, 60_000);

  it("with herald.autocommit, commits created, changed and removed files and sends them on", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const a = sb.clones.a!, b = sb.clones.b!;
    await commitFile(b, "old.txt", "to be removed\n");
    await git(a, "pull", "-q", "--ff-only", b, "main");
    await git(b, "config", "herald.autocommit", "true");
    agents = await startAgents(sb.clones);
    const base = await head(b);
    // The user's own git holds index.lock when the autocommit comes due: it is tried again later.
    await writeFile(join(b, ".git", "index.lock"), "");
    await writeFile(join(b, "new.txt"), "created on b\n");
    await writeFile(join(b, "README.md"), "changed on b\n");
    await rm(join(b, "old.txt"));
    await waitFor(async () => recordsOf(agents.b!, "autocommit-failed").length > 0, 20_000, "the first autocommit attempt");
    await sleep(100);
    await rm(join(b, ".git", "index.lock"));

    const final = await waitFor(async () => (await head(b)) !== base && both(), 20_000, "b's autocommit on a");
    await settle();
    const message = await git(b, "log", "--format=%B", `${base}..${final}`);
    expect(message).toMatch(/^herald: autocommit on b: /m);
    for (const line of ["added new.txt", "changed README.md", "removed old.txt"]) expect(message).toContain(`\n${line}\n`);
    expect(await git(b, "status", "--porcelain")).toBe("");
    expect(await readFile(join(a, "new.txt"), "utf8")).toBe("created on b\n");
    expect(await readFile(join(a, "README.md"), "utf8")).toBe("changed on b\n");
    expect(await exists(join(a, "old.txt"))).toBe(false);
  }, 60_000);
});
