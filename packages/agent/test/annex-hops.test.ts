// Content passes on along a line the moment it lands, whatever else the clone in the middle is
// waiting for. Here b has, beside a and c, a slow remote (its upload-pack sleeps first), so each
// fetch of its git-annex branch takes HANG_S: before, b's new head and the content's next hop
// queued behind that fetch, and c got the file only after it.
import { commitFile, git, gitAnnexInstalled, hasContent, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { startOne, stopAll, type Running } from "./helpers.js";

const hasAnnex = gitAnnexInstalled();
if (!hasAnnex) console.log("annex-hops tests skipped: git-annex is not installed (apt-get install git-annex)");
const maybe = hasAnnex ? describe : describe.skip;

/** Stop the agents, ending every `sleep S` meanwhile: an agent stops once its git commands end,
 * and the slow remote or filter a test set up may start more of them while it stops. */
async function stopEndingSleeps(agents: Record<string, Running>, sleepS: number): Promise<void> {
  const end = () => spawnSync("pkill", ["-f", `^sleep ${sleepS}$`]);
  end();
  const ending = setInterval(end, 250);
  await stopAll(agents).finally(() => clearInterval(ending));
}

/** How long each fetch from b's slow remote takes (an odd figure: the test ends its sleeps by name). */
const HANG_S = 29.917;

maybe("content along a line", () => {
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopEndingSleeps(agents, HANG_S);
    await sb?.cleanup();
  }, (2 * HANG_S + 30) * 1000);

  it("is sent on by the middle clone as soon as it lands, not after a slow fetch from another remote", async () => {
    sb = await makeSandbox(["a", "b", "c"], [["a", "b"], ["b", "c"]]);
    for (const n of ["a", "b", "c"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    const [a, b, c] = [sb.clones.a!, sb.clones.b!, sb.clones.c!];
    await git(a, "config", "annex.largefiles", "anything");
    const slow = `${sb.root}/slow.git`;
    await git(sb.root, "clone", "-q", "--bare", a, slow);
    await git(b, "remote", "add", "slow", slow);
    await git(b, "config", "remote.slow.uploadpack", `sleep ${HANG_S}; git-upload-pack`);
    for (const n of ["a", "b", "c"]) agents[n] = await startOne(sb.clones[n]!);
    const started = Date.now();

    await commitFile(a, "big.bin", randomBytes(1 << 20), "a large file");
    const key = (await git(a, "annex", "lookupkey", "big.bin")).trim();
    await waitFor(async () => hasContent(c, key), (HANG_S - 5) * 1000, "the content on c before b's fetch from the slow remote ends");
    expect(Date.now() - started).toBeLessThan(HANG_S * 1000);
    // b sent it (c's parent is an agent: c itself asks nobody).
    await waitFor(async () => agents.b!.records.some((r) => r.event === "transfer-done" && r.remote === "c" && r.key === key), 10_000, "b's copy to c to end");
  }, 120_000);
});

/** How long b's smudge filter waits before it starts (an odd figure: the test ends the sleep by name). */
const MERGE_S = 19.913;

maybe("content learnt from a peer's commit before the merge", () => {
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopEndingSleeps(agents, MERGE_S);
    await sb?.cleanup();
  }, (MERGE_S + 30) * 1000);

  // b's merge of a's commit takes MERGE_S (its checkout through git-annex's smudge filter
  // waits, as it takes its time on a busy machine), and its branch moves only after it. b learns the file's key from
  // a's commit the moment it lands in refs/remotes/a/main, so it sends the content on to c
  // while its merge still runs; before, it waited for the merge to know what to send.
  it("is sent on by the middle clone while its merge of that commit still runs", async () => {
    sb = await makeSandbox(["a", "b", "c"], [["a", "b"], ["b", "c"]]);
    for (const n of ["a", "b", "c"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    const [a, b, c] = [sb.clones.a!, sb.clones.b!, sb.clones.c!];
    await git(a, "config", "annex.largefiles", "anything");
    // git-annex's filter process, which the checkout starts for the new file before the branch
    // moves, starts late on b, and leaves a mark when the checkout no longer needs it.
    const merged = `${sb.root}/b-merged`;
    await git(b, "config", "filter.annex.process", `sleep ${MERGE_S}; touch '${merged}'; exec git-annex filter-process`);
    for (const n of ["a", "b", "c"]) agents[n] = await startOne(sb.clones[n]!);

    await commitFile(a, "big.bin", randomBytes(1 << 20), "a large file");
    const key = (await git(a, "annex", "lookupkey", "big.bin")).trim();
    await waitFor(async () => hasContent(c, key), (MERGE_S - 5) * 1000, "the content on c while b's merge runs");
    expect(existsSync(merged)).toBe(false);
    // b sent it (c's parent is an agent: c itself asks nobody).
    expect(agents.b!.records.some((r) => r.event === "transfer-started" && r.remote === "c" && r.key === key)).toBe(true);
  }, 120_000);
});

maybe("content of a peer's commit that HEAD fast-forwards to", () => {
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopAll(agents);
    await sb?.cleanup();
  });

  // b reads the keys of a's commit once: as it lands in refs/remotes/a/main, or, when its merge
  // moved HEAD there first, as HEAD moves; not both (the fast-forward brings what the tip brought).
  it("has its keys read once by the clone that receives it", async () => {
    sb = await makeSandbox(["a", "b"], [["a", "b"]]);
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    await git(a, "config", "annex.largefiles", "anything");
    for (const n of ["a", "b"]) agents[n] = await startOne(sb.clones[n]!);
    for (const name of ["one.bin", "two.bin"]) {
      await commitFile(a, name, randomBytes(64 << 10), `a file: ${name}`);
      const sha = (await git(a, "rev-parse", "HEAD")).trim();
      const key = (await git(a, "annex", "lookupkey", name)).trim();
      await waitFor(async () => hasContent(b, key), 30_000, `${name} on b`);
      await waitFor(async () => (await git(b, "rev-parse", "HEAD")).trim() === sha, 30_000, "b's HEAD fast-forwarded to a's commit");
      await agents.b!.agent.idle();
      const reads = agents.b!.records.filter((r) => r.event === "content-keys" && r.to === sha);
      expect(reads.map((r) => r.on)).toHaveLength(1);
    }
  }, 90_000);
});
