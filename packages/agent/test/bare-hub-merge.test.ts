// A bare hub's branch holding a Herald merge that a clone has since left behind (found by
// `npm run chaos`, star7: six HEADs that never met). The hub holds merge(x, y); the clone holds
// merge(x2, y) with x2 a later commit on x. Both fold the same user work, so the clone's merge
// pass found nothing new, while the hub refused every push of it as a non-fast-forward. The hub's
// tip must be a parent of the clone's next merge, and a push that stays refused must be recorded.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo } from "../src/git/repo.js";
import { mergeHeads } from "../src/git/merge-heads.js";
import { startOne, stopAll, type Running } from "./helpers.js";

const contains = async (dir: string, sha: string, tip = "HEAD") => git(dir, "merge-base", "--is-ancestor", sha, tip).then(() => true, () => false);

describe("a bare hub holding a Herald merge the clone left behind", () => {
  let sb: Sandbox;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  async function setUp(): Promise<{ a: string; hub: string; m1: string; x2: string; y: string }> {
    sb = await makeSandbox(["a", "b"], [], { bares: ["hub"] });
    const { a, b } = sb.clones as Record<"a" | "b", string>;
    const hub = sb.bare.hub!;
    const x = await commitFile(a, "x.txt", "x\n");
    const y = await commitFile(b, "y.txt", "y\n");
    await git(a, "fetch", "-q", b, "main:refs/tmp/y");
    const repo = await GitRepo.open(a);
    const m1 = (await mergeHeads(repo, [x, y])).commit;
    await git(a, "push", "-q", "hub", `${m1}:refs/heads/main`);
    const x2 = await commitFile(a, "x.txt", "x, later\n");
    const m2 = (await mergeHeads(repo, [x2, y])).commit;
    await git(a, "merge", "-q", "--ff-only", m2);
    await git(a, "fetch", "-q", "hub");
    await git(a, "update-ref", "-d", "refs/tmp/y");
    repo.close();
    expect(await contains(a, m1)).toBe(false); // the situation: HEAD has left the hub's merge behind
    return { a, hub, m1, x2, y };
  }

  it("makes the hub's tip a parent of the next merge, and the push fast-forwards", async () => {
    const { a, hub, m1, x2, y } = await setUp();
    agents.push(await startOne(a));
    const tip = await waitFor(async () => {
      const [h, t] = [await head(a), (await git(hub, "rev-parse", "main")).trim()];
      return h === t && h;
    }, 20_000, "the hub at the clone's HEAD");
    for (const c of [m1, x2, y]) expect(await contains(a, c, tip)).toBe(true);
    expect((await git(a, "status", "--porcelain")).trim()).toBe("");
    expect(Object.keys((await agents[0]!.agent.status()).retries)).toEqual([]);
  });

  it("records a push the hub keeps refusing, so it is retried and shown", async () => {
    const { a, hub } = await setUp();
    // A hub whose every update is refused with git's non-fast-forward words: fetch and merge cannot help.
    const hook = join(hub, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'rejected: non-fast-forward' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    agents.push(await startOne(a));
    const entry = await waitFor(async () => (await agents[0]!.agent.status()).retries.hub, 20_000, "a retry queued for hub");
    expect(entry.error).toMatch(/non-fast-forward/);
    expect(agents[0]!.records.some((r) => r.event === "push-failed" && r.remote === "hub")).toBe(true);
  });
});
