// Who announces a commit (xmpp/announce-policy.ts). Clones around one bare hub all hear the
// origin's announcement from the pubsub service: the ones that fetch the commit stay quiet about
// it. A clone that relays (the next clone fetches only from it, never from the origin: along a
// fetch-only line, or where a clone has it as its only remote) still announces, or the last
// clone would never learn where to fetch. Ref watching is off: only announcements make an agent fetch.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const NAMES = ["n1", "n2", "n3"];

describe("announcing a commit once", () => {
  let server: XmppServer;
  let sb: Sandbox | undefined;
  let agents: Record<string, Running> = {};
  beforeAll(async () => {
    server = await startXmppServer({ accounts: NAMES });
  });
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
    sb = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const startAll = async (s: Sandbox) => {
    for (const n of NAMES) agents[n] = await startOne(s.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => Object.values(agents).every((r) => r.agent.channel?.stats.online), 10_000, "all online");
    // Start-up announcements and map adverts settle before the commit.
    await waitFor(async () => Object.values(agents).every((r) => r.agent.plan.heardCount >= 2), 10_000, "map adverts heard");
  };
  /** Every agent started on `s` with ref watching on (a push is merged as it lands), online, maps heard. */
  const startWatching = async (s: Sandbox) => {
    await configureXmpp(s, server, NAMES);
    for (const n of NAMES) agents[n] = await startOne(s.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => Object.values(agents).every((r) => r.agent.channel?.stats.online), 10_000, "all online");
    await waitFor(async () => Object.values(agents).every((r) => r.agent.plan.heardCount >= 2), 10_000, "map adverts heard");
  };
  const announcedBy = (n: string, sha: string) => agents[n]!.records.some((r) => r.event === "announced" && r.sha === sha);
  /** Every agent started on `s`, a commit on n1 reaches n3 by a fetch from n2, which announced it. */
  const relayedByN2 = async (s: Sandbox) => {
    await configureXmpp(s, server, NAMES);
    await startAll(s);
    const sha = await commitFile(s.clones.n1!, "relayed.txt", "r\n");
    await waitFor(async () => (await head(s.clones.n3!)) === sha, 20_000, "n1's commit on n3, fetched from n2");
    expect(announcedBy("n2", sha)).toBe(true);
    expect(agents.n3!.records.some((r) => r.event === "fetched-announced" && r.sha === sha && r.remote === "n2")).toBe(true);
    // Its maker announced it at once: nobody else would (no wait for another's announcement).
    expect(announcedBy("n1", sha)).toBe(true);
    expect(agents.n1!.records.filter((r) => r.event === "announce-wait")).toEqual([]);
  };

  it("around a bare hub, only the clone that made the commit announces it", async () => {
    sb = await makeSandbox(NAMES, [], { bares: ["hub"] });
    await configureXmpp(sb, server, NAMES);
    await startAll(sb);
    const sha = await commitFile(sb.clones.n1!, "one.txt", "1\n");
    for (const n of ["n2", "n3"]) await waitFor(async () => (await head(sb!.clones[n]!)) === sha, 15_000, `${n} has n1's commit`);
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    // The announcer decides in a loop of its own, after the pushes idle() waits for: its word
    // (announced or skipped) may come a moment later on a busy machine.
    for (const n of ["n2", "n3"]) await waitFor(async () => agents[n]!.records.some((r) => (r.event === "announce-skipped" || r.event === "announced") && r.sha === sha), 10_000, `${n}'s decision on n1's commit`);
    expect(announcedBy("n1", sha)).toBe(true);
    expect(announcedBy("n2", sha)).toBe(false);
    expect(announcedBy("n3", sha)).toBe(false);
    for (const n of ["n2", "n3"]) {
      expect(agents[n]!.records.some((r) => r.event === "announce-skipped" && r.sha === sha)).toBe(true);
      expect(agents[n]!.agent.channel!.stats.quiet).toBeGreaterThan(0);
    }
    // The counts the bench reads: every agent sent and received stanzas.
    for (const r of Object.values(agents)) expect(r.agent.channel!.stats.stanzas!.in).toBeGreaterThan(0);
  });

  it("a clone another fetches through still announces: n3 has only n2 as a remote, n2 the hub", async () => {
    sb = await makeSandbox(NAMES, [["n2", "n3"]], { bares: ["hub"] });
    await git(sb.clones.n3!, "remote", "remove", "hub");
    await git(sb.clones.n2!, "remote", "remove", "n3"); // n2 never pushes to n3: n3 must fetch
    await relayedByN2(sb);
  });

  it("a clone that relays still announces: n3 fetches only from n2, n2 only from n1", async () => {
    sb = await makeSandbox(NAMES, "line");
    await git(sb.clones.n1!, "remote", "remove", "n2");
    await git(sb.clones.n2!, "remote", "remove", "n3");
    await relayedByN2(sb);
  });

  // Ref watching on: n2 merges n1's commit and pushes it on to n3 (or n3, hearing n1, fetches it
  // from n2 first), and n3 got it from n2. Nobody waits for n2's or n3's word on it (npm run bench, line 10: 8 relay announcements per commit, each to
  // every subscriber, were most of the CPU XMPP added).
  it("a clone that pushed the head on to the next stays quiet: a line n1–n2–n3", async () => {
    sb = await makeSandbox(NAMES, "line");
    await startWatching(sb);
    const sha = await commitFile(sb.clones.n1!, "line.txt", "l\n");
    await waitFor(async () => (await head(sb!.clones.n3!)) === sha, 15_000, "n1's commit on n3");
    await waitFor(async () => agents.n2!.records.some((r) => r.event === "announce-skipped" && r.sha === sha), 5_000, "n2 to stay quiet");
    expect(announcedBy("n1", sha)).toBe(true);
    expect(announcedBy("n2", sha)).toBe(false);
    await waitFor(async () => agents.n3!.records.some((r) => r.event === "announce-skipped" && r.sha === sha), 5_000, "n3 to stay quiet");
    expect(announcedBy("n3", sha)).toBe(false);
  });

  // Ref watching on here. A head pushed to a clone arrives before its maker's announcement, which follows the last of
  // its pushes (9 of them on a star of 10). The clone relays it to nobody, so it waits a moment to
  // hear that announcement instead of publishing the head again to every subscriber (npm run
  // bench, star 10: 136 extra publishes for 31 commits). Here n1's push to a slow bare remote (a
  // hook that sleeps) holds its announcement back well after n2 and n3 have merged.
  it("waits for the maker's announcement rather than announcing it too", async () => {
    sb = await makeSandbox(NAMES, [["n1", "n2"], ["n1", "n3"]], { bares: ["slow"] });
    for (const n of ["n2", "n3"]) await git(sb.clones[n]!, "remote", "remove", "slow");
    await writeFile(join(sb.bare.slow!, "hooks", "pre-receive"), "#!/bin/sh\nsleep 0.5\n", { mode: 0o755 });
    await configureXmpp(sb, server, NAMES);
    for (const n of NAMES) agents[n] = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => Object.values(agents).every((r) => r.agent.channel?.stats.online), 10_000, "all online");
    const sha = await commitFile(sb.clones.n1!, "star.txt", "s\n");
    for (const n of ["n2", "n3"]) await waitFor(async () => (await head(sb!.clones[n]!)) === sha, 15_000, `${n} has n1's commit`);
    const announced = (n: string) => agents[n]!.records.find((r) => r.event === "announced" && r.sha === sha);
    await waitFor(async () => announced("n1") !== undefined, 15_000, "n1 to announce after its slow push");
    for (const n of ["n2", "n3"]) {
      await waitFor(async () => agents[n]!.records.some((r) => r.event === "announce-skipped" && r.sha === sha), 5_000, `${n} to hear n1 and stay quiet`);
      // It had merged before n1 announced: the wait, not luck, kept it quiet.
      const merged = agents[n]!.records.find((r) => r.event === "merged" && r.sha === sha)!;
      expect(Date.parse(merged.t)).toBeLessThan(Date.parse(announced("n1")!.t));
      expect(announced(n)).toBeUndefined();
    }
  });

  // A Herald merge reaches every clone by push; a clone two pushes away could not fetch it (its
  // neighbours fold it into merges of their own), so nobody announces it (announce-policy.ts
  // announceMerge). n1 and n3 commit while paused, so that the two commits meet in a merge.
  it("a Herald merge every clone is pushed goes unannounced: a line n1–n2–n3", async () => {
    sb = await makeSandbox(NAMES, "line");
    await startWatching(sb);
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    for (const n of ["n1", "n3"]) agents[n]!.agent.pause();
    const a = await commitFile(sb.clones.n1!, "one.txt", "1\n");
    const c = await commitFile(sb.clones.n3!, "three.txt", "3\n");
    for (const n of ["n1", "n3"]) agents[n]!.agent.resume();
    const heads = async () => Promise.all(NAMES.map((n) => head(sb!.clones[n]!)));
    await waitFor(async () => { const h = await heads(); return new Set(h).size === 1 && !h.includes(a) && !h.includes(c); }, 20_000, "one merge of both commits everywhere");
    const merge = (await heads())[0]!;
    expect((await git(sb.clones.n2!, "log", "-1", "--format=%ae %p", merge)).trim().split(" ")).toEqual(["herald@localhost", expect.any(String), expect.any(String)]);
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    for (const n of NAMES) await waitFor(async () => agents[n]!.records.some((r) => (r.event === "announce-skipped" || r.event === "announced") && r.sha === merge), 10_000, `${n}'s decision on the merge`);
    for (const n of NAMES) expect(agents[n]!.records.find((r) => r.sha === merge && (r.event === "announce-skipped" || r.event === "announced"))).toMatchObject({ event: "announce-skipped", why: "merge-pushed" });
  });

  // Found by npm run chaos (ring8): a clone whose branch gives up the Herald merge it announced
  // for an equivalent one a peer pushed (the merges of the same two commits) must announce its
  // new head, or clones still asking for the old merge keep asking long after all have converged.
  it("a clone whose branch left the merge it announced announces its new head", async () => {
    sb = await makeSandbox(["n1", "n2"], [["n1", "n2"]]);
    const [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    const base = await head(n1);
    const a = await commitFile(n1, "a.txt", "a\n");
    await git(n1, "reset", "-q", "--hard", base);
    const b = await commitFile(n1, "b.txt", "b\n");
    await git(n2, "fetch", "-q", n1, `${a}`, `${b}`);
    const tree = (await git(n1, "write-tree")).trim(); // any tree: the merges differ only in their message
    const merge = async (dir: string, msg: string) => (await git(dir, "-c", "user.name=Herald", "-c", "user.email=herald@localhost", "commit-tree", tree, "-p", a, "-p", b, "-m", msg)).trim();
    const m1 = await merge(n1, "herald: merge one");
    const m2 = await merge(n2, "herald: merge two");
    await git(n1, "reset", "-q", "--hard", m1);
    await git(n2, "reset", "-q", "--hard", m2);
    await configureXmpp(sb, server, ["n1", "n2"]);
    for (const n of ["n1", "n2"]) agents[n] = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => (await head(n1)) === (await head(n2)), 15_000, "one head");
    // One head: one of the two merges, or a third made by one clone and pushed to the other.
    // Every clone whose branch left its merge announces the head it moved to.
    const final = await head(n1);
    const left = ([["n1", m1], ["n2", m2]] as const).filter(([, m]) => m !== final);
    expect(left.length).toBeGreaterThan(0);
    for (const [n] of left) await waitFor(async () => announcedBy(n, final), 10_000, `${n} to announce the head it moved to`);
  });
});
