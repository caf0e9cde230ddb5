// XMPP signaling against a real Prosody, with ref watching switched off so that only
// announcements can make an agent merge: fetch on announcement, catch-up after being offline,
// a server restart mid-test, and hostile or foreign items that must change nothing.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { announcementToElement, pubsubNodeName } from "@herald/protocol";
import { asUser, configureXmpp, publishHostileItems, startOne, stopAll, type Running } from "./helpers.js";

const names = ["n1", "n2", "n3", "n4", "n5"];


const start = (sb: Sandbox, n: string) => startOne(sb.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } });
const online = (r: Running) => waitFor(async () => r.agent.channel?.stats.online, 10_000, "xmpp online");

describe("signaling over XMPP alone", () => {
  let server: XmppServer;
  let sb: Sandbox;
  let agents: Record<string, Running> = {};
  beforeEach(async () => {
    server = await startXmppServer({ accounts: [...names, "mallory"] });
  });
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
    await server?.stop();
  });

  it("five agents: a commit on one is merged on all others, fetched on announcement", async () => {
    // n1 has no remotes at all: the others learn of its commit only from the announcement and fetch.
    sb = await makeSandbox(names, names.slice(1).map((n): [string, string] => ["n1", n]));
    for (const n of names.slice(1)) await git(sb.clones.n1!, "remote", "remove", n);
    await configureXmpp(sb, server, names);
    for (const n of names) agents[n] = await start(sb, n);
    await Promise.all(Object.values(agents).map(online));
    const sha = await commitFile(sb.clones.n1!, "from-n1.txt", "hello\n");
    await waitFor(async () => (await Promise.all(names.map((n) => head(sb.clones[n]!)))).every((h) => h === sha), 20_000, "n1's commit everywhere");
    for (const n of names.slice(1)) expect(agents[n]!.records.some((r) => r.event === "fetched-announced" && r.sha === sha)).toBe(true);
  });

  it("catches up after being offline, and across a server restart", async () => {
    sb = await makeSandbox(["n1", "n2"], "line");
    await git(sb.clones.n1!, "remote", "remove", "n2");
    await configureXmpp(sb, server, ["n1", "n2"]);
    agents.n1 = await start(sb, "n1");
    await online(agents.n1);
    // n2 is offline while n1 commits and announces.
    const first = await commitFile(sb.clones.n1!, "a.txt", "1\n");
    await waitFor(async () => agents.n1!.agent.channel!.stats.lastOut?.sha === first, 10_000, "n1 to announce");
    agents.n2 = await start(sb, "n2");
    await waitFor(async () => (await head(sb.clones.n2!)) === first, 15_000, "n2 to catch up");

    // The server goes away; a commit made meanwhile arrives once it is back, with no restart.
    await server.halt();
    const second = await commitFile(sb.clones.n1!, "b.txt", "2\n");
    await new Promise((r) => setTimeout(r, 300));
    expect(await head(sb.clones.n2!)).toBe(first);
    await server.resume();
    await waitFor(async () => (await head(sb.clones.n2!)) === second, 30_000, "n2 to get the commit made while the server was down");
  });

  it("ignores strangers and hostile payloads, and keeps running", async () => {
    sb = await makeSandbox(["n1", "n2"], "line");
    await configureXmpp(sb, server, ["n1", "n2"]);
    agents.n2 = await start(sb, "n2");
    await online(agents.n2);
    const before = await head(sb.clones.n2!);
    // Something real to point at: a commit n2 does not have (made in n1, never pushed).
    const bait = await commitFile(sb.clones.n1!, "bait.txt", "x\n");
    const repo = (await git(sb.clones.n2!, "rev-list", "--max-parents=0", "HEAD")).trim();
    const node = pubsubNodeName(repo);
    const good = { repo, ref: "refs/heads/main", sha: bait, prev: null, node: "n1", seq: Date.now(), time: Date.now() };
    await publishHostileItems(server, node, good);
    const stats = () => agents.n2!.agent.channel!.stats.dropped;
    await waitFor(async () => (stats().stranger ?? 0) >= 1 && (stats().malformed ?? 0) >= 3 && (stats()["other-repo"] ?? 0) >= 1, 10_000, "all five items dropped");
    expect(await head(sb.clones.n2!)).toBe(before);
    expect(await git(sb.clones.n2!, "cat-file", "-t", bait).catch(() => "missing")).toBe("missing");
    // Still alive and listening: a genuine announcement from n1 is acted on.
    await asUser(server, node, "n1", (_s, n) => n.publish("ok", announcementToElement({ ...good, seq: Date.now() + 1 })));
    await waitFor(async () => (await head(sb.clones.n2!)) === bait, 15_000, "the genuine announcement to be acted on");
  });
});
