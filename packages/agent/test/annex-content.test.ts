// Annexed content along the cheapest plan, with real git-annex: git-annex's own efficiency case
// (doc/design/assistant/syncing/efficiency): laptops a and b share a LAN, c reaches only the
// cloud (a bare annex repository), a and b reach the cloud over expensive links. A 5 MB file
// added on a reaches b, the cloud and c with one upload to the cloud and one download by c,
// where a flood uploads it twice (from a and from b). Bytes are counted from the transfers
// Herald ran (its log) and checked against where the content is (git-annex contentlocation).
import { commitFile, git, gitAnnexInstalled, hasContent, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { randomBytes } from "node:crypto";
import { rename } from "node:fs/promises";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const hasAnnex = gitAnnexInstalled();
if (!hasAnnex) console.log("annex-content tests skipped: git-annex is not installed (apt-get install git-annex)");
const maybe = hasAnnex ? describe : describe.skip;

const EXPENSIVE = 200;
const names = ["a", "b", "c"];

maybe("annexed content", () => {
  let server: XmppServer;
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopAll(agents);
    await sb?.cleanup();
    await server?.stop();
  });

  it("crosses the expensive edges once each way (efficiency case)", async () => {
    server = await startXmppServer({ accounts: names });
    sb = await makeSandbox(names, [["a", "b"]], { bares: ["cloud"] });
    await git(sb.bare.cloud!, "annex", "init", "-q", "cloud");
    for (const n of names) {
      await git(sb.clones[n]!, "annex", "init", "-q", n);
      await git(sb.clones[n]!, "config", "remote.cloud.herald-cost", String(EXPENSIVE));
      await git(sb.clones[n]!, "config", "herald.retryInterval", "1h");
    }
    await git(sb.clones.a!, "config", "remote.b.herald-cost", "1");
    await git(sb.clones.b!, "config", "remote.a.herald-cost", "1");
    await configureXmpp(sb, server, names);
    for (const n of names) agents[n] = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => names.every((n) => agents[n]!.agent.plan.heardCount >= 3), 20_000, "the map to be gossiped");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));

    const a = sb.clones.a!;
    await git(a, "config", "annex.largefiles", "anything");
    await git(a, "config", "herald.maxBytesPerSecond", "8M"); // 2 MB/s per transfer: c asks the cloud before the upload is done
    // A setting changed while running takes effect by restarting a's engine: wait for it.
    await waitFor(async () => agents.a!.records.filter((r) => r.event === "started").length === 2, 10_000, "a's engine restarted with the limit");
    await agents.a!.agent.idle();
    await commitFile(a, "big.bin", randomBytes(5 << 20), "a large file");
    const key = (await git(a, "annex", "lookupkey", "big.bin")).trim();
    await waitFor(async () => (await hasContent(sb.clones.b!, key)) && (await hasContent(sb.bare.cloud!, key)) && (await hasContent(sb.clones.c!, key)), 40_000, "the content on b, the cloud and c");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));

    const done = names.flatMap((n) => agents[n]!.records.filter((r) => r.event === "transfer-done" && r.key === key).map((r) => ({ node: n, direction: r.direction, remote: r.remote, cost: r.cost, bytes: r.bytes as number })));
    const expensive = done.filter((t) => (t.cost as number) >= EXPENSIVE);
    expect(expensive.map((t) => `${t.node} ${t.direction} ${t.remote}`).sort()).toEqual(["a to cloud", "c from cloud"]);
    expect(expensive.reduce((s, t) => s + t.bytes, 0)).toBe(2 * (5 << 20));
    expect(done.filter((t) => t.node === "a" && t.remote === "b")).toHaveLength(1); // the cheap edge
    // The location logs travelled: a knows the content is on b and the cloud.
    const whereis = JSON.parse(await git(a, "annex", "whereis", "--json", "--key", key)) as { whereis: Array<{ uuid: string }> };
    const uuid = async (dir: string) => (await git(dir, "config", "annex.uuid")).trim();
    expect(whereis.whereis.map((w) => w.uuid)).toEqual(expect.arrayContaining([await uuid(sb.clones.b!), await uuid(sb.bare.cloud!)]));
    // b learned from a's git-annex branch (pushed as synced/git-annex, union-merged by git annex
    // merge) that a has the content: a recorded that, not b.
    await waitFor(async () => (await git(sb.clones.b!, "annex", "whereis", "--json", "--key", key)).includes(await uuid(a)), 10_000, "b's location log to learn of a's copy");
    expect(await git(sb.clones.b!, "rev-parse", "--verify", "refs/heads/synced/git-annex")).toMatch(/^[0-9a-f]{40}/);
    // The git-annex branch was never merged as a normal branch.
    for (const n of names) expect(await git(sb.clones[n]!, "log", "--format=%s", "main")).not.toMatch(/git-annex/);
  });

  it("never sends a file to a repository whose preferred content excludes it, nor gets one it does not want; never leaves fewer than numcopies copies", async () => {
    const a = sb.clones.a!;
    await git(a, "annex", "numcopies", "2"); // in the git-annex branch: every clone learns it
    await git(a, "annex", "wanted", "b", "exclude=*.iso");
    await git(sb.clones.c!, "annex", "wanted", "here", "exclude=*.iso");
    await commitFile(a, "disc.iso", randomBytes(1 << 20), "an image b and c do not want");
    const key = (await git(a, "annex", "lookupkey", "disc.iso")).trim();
    const settled = (n: string, remote: string) => agents[n]!.records.some((r) => r.key === key && r.remote === remote && /^transfer-(done|skipped)$/.test(r.event));
    await waitFor(async () => (await hasContent(sb.bare.cloud!, key)) && settled("a", "b") && settled("c", "cloud"), 30_000, "the image on the cloud, and b's and c's transfers settled");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect(await hasContent(sb.clones.b!, key)).toBe(false);
    expect(await hasContent(sb.clones.c!, key)).toBe(false);
    expect(agents.a!.records.filter((r) => r.key === key && r.remote === "b").map((r) => r.event)).toEqual(["transfer-started", "transfer-skipped"]);
    // c skipped it without trying: not a failure to retry forever.
    expect(agents.c!.records.filter((r) => r.key === key).map((r) => r.event)).toEqual(["transfer-started", "transfer-skipped"]);
    // numcopies: Herald only copies and gets (never git annex move or drop), so the origin keeps
    // every key and each has at least numcopies copies, by the content present where and by a's
    // location log (git annex find --copies=N, what git-annex itself checks before a drop).
    const numcopies = Number((await git(a, "annex", "numcopies")).trim());
    expect(numcopies).toBe(2);
    const repos = [a, sb.clones.b!, sb.clones.c!, sb.bare.cloud!];
    for (const [file, k] of [["big.bin", (await git(a, "annex", "lookupkey", "big.bin")).trim()], ["disc.iso", key]] as const) {
      expect(await hasContent(a, k)).toBe(true);
      const copies = (await Promise.all(repos.map((r) => hasContent(r, k)))).filter(Boolean).length;
      expect(copies).toBeGreaterThanOrEqual(numcopies);
      await waitFor(async () => (await git(a, "annex", "find", `--copies=${numcopies}`, "--", file)).trim() === file, 10_000, `a's location log to count ${numcopies} copies of ${file}`);
    }
  });
});

maybe("annexed content and a removable drive", () => {
  let sb: Sandbox;
  let agent: Running | undefined;
  afterAll(async () => {
    await agent?.agent.stop();
    await sb?.cleanup();
  });

  it("a drive that appears receives the content it wants, and not what it does not", async () => {
    sb = await makeSandbox(["a"], "line", { bares: ["stick"], config: { "annex.largefiles": "anything" } });
    const a = sb.clones.a!;
    const stick = sb.bare.stick!;
    await git(a, "annex", "init", "-q", "a");
    await git(stick, "annex", "init", "-q", "stick");
    await git(a, "config", "remote.stick.herald-removable", "true");
    await git(a, "annex", "wanted", "stick", "exclude=*.iso");
    const wanted = (await commitFile(a, "photo.jpg", randomBytes(2 << 20)), (await git(a, "annex", "lookupkey", "photo.jpg")).trim());
    const unwanted = (await commitFile(a, "disc.iso", randomBytes(1 << 20)), (await git(a, "annex", "lookupkey", "disc.iso")).trim());
    await rename(stick, `${stick}-away`); // unplugged
    agent = await startOne(a);
    await rename(`${stick}-away`, stick); // plugged in
    await waitFor(async () => hasContent(stick, wanted), 20_000, "the wanted file on the drive");
    await agent.agent.idle();
    expect(await hasContent(stick, unwanted)).toBe(false);
    expect(agent.records.filter((r) => r.event === "transfer-done").map((r) => `${r.remote} ${r.key}`)).toEqual([`stick ${wanted}`]);
  });
});
