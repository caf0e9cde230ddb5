// The XMPP-only flows of xmpp-sync.test.ts against a real ejabberd instead of Prosody (ref watching
// off, so only announcements make an agent merge). ejabberd differs where it matters to the agent:
// it stamps a FULL JID as the item publisher, answers a subscribe with a subid, sends retract
// events, and offers XEP-0198 stream management (the agent declines it). One server for the whole file
// (starting ejabberd costs ~1 s plus ~0.3 s per ejabberdctl call); every test has its own repos.
import { commitFile, ejabberdInstalled, git, head, makeSandbox, startEjabberdServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { announcementToElement, pubsubNodeName } from "@herald/protocol";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { asUser, configureXmpp, publishHostileItems, startOne, stopAll, type Running } from "./helpers.js";

const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
const NS_PUBSUB_EVENT = `${NS_PUBSUB}#event`;

const installed = await ejabberdInstalled();
if (!installed) console.log("ejabberd not installed: skipping ejabberd flows (apt-get install ejabberd)");
const describeIfEjabberd = installed ? describe : describe.skip;


const start = (sb: Sandbox, n: string) => startOne(sb.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } });
const online = (r: Running) => waitFor(async () => r.agent.channel?.stats.online, 10_000, "xmpp online");
const signaling = (r: Running) => r.agent.channel!;

/** Two clones where n2 can fetch from n1 but n1 cannot push to n2: only an announcement moves a commit. */
async function pair(server: XmppServer): Promise<Sandbox> {
  const sb = await makeSandbox(["n1", "n2"], "line");
  await git(sb.clones.n1!, "remote", "remove", "n2");
  await configureXmpp(sb, server, ["n1", "n2"]);
  return sb;
}

describeIfEjabberd("signaling over XMPP alone, on ejabberd", () => {
  let server: XmppServer;
  let sb: Sandbox | undefined;
  let agents: Record<string, Running> = {};
  beforeAll(async () => {
    server = await startEjabberdServer({ accounts: ["n1", "n2", "mallory"] });
  }, 60_000);
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
    sb = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a commit on one agent is merged on the other, fetched on announcement", async () => {
    sb = await pair(server);
    agents.n1 = await start(sb, "n1");
    agents.n2 = await start(sb, "n2");
    await Promise.all(Object.values(agents).map(online)); // each subscribed (ejabberd answers with a subid)
    const sha = await commitFile(sb.clones.n1!, "from-n1.txt", "hello\n");
    await waitFor(async () => (await head(sb!.clones.n2!)) === sha, 20_000, "n1's commit on n2");
    expect(agents.n2.records.some((r) => r.event === "fetched-announced" && r.sha === sha)).toBe(true);
    // ejabberd stamped "n1@localhost/herald" (a full JID); the agent trusted the bare JID. (Its own
    // echoed announcements are still dropped as "stranger": herald.peer does not list oneself.)
    const drops = agents.n2.records.filter((r) => r.event === "announcement-dropped");
    expect(drops.filter((r) => r.publisher !== `n2@${server.domain}`)).toEqual([]);
    expect(signaling(agents.n2).stats.peersSeen).toEqual(["n1"]);
    // One login each, never kicked (with @xmpp/client's XEP-0198, ejabberd closed most new streams).
    for (const r of Object.values(agents)) {
      expect(r.records.filter((x) => x.event === "xmpp-online")).toHaveLength(1);
      expect(r.records.filter((x) => x.event === "xmpp-offline" || x.event === "xmpp")).toEqual([]);
    }
  });

  it("catches up after being offline, and across a server restart", async () => {
    sb = await pair(server);
    agents.n1 = await start(sb, "n1");
    await online(agents.n1);
    // n2 is offline while n1 commits and announces.
    const first = await commitFile(sb.clones.n1!, "a.txt", "1\n");
    await waitFor(async () => signaling(agents.n1!).stats.lastOut?.sha === first, 10_000, "n1 to announce");
    agents.n2 = await start(sb, "n2");
    await waitFor(async () => (await head(sb!.clones.n2!)) === first, 15_000, "n2 to catch up");

    // The server goes away (Mnesia keeps accounts, nodes and items); a commit made meanwhile arrives
    // once it is back, with no agent restart.
    await server.halt();
    const second = await commitFile(sb.clones.n1!, "b.txt", "2\n");
    await new Promise((r) => setTimeout(r, 300));
    expect(await head(sb.clones.n2!)).toBe(first);
    await server.resume();
    await waitFor(async () => (await head(sb!.clones.n2!)) === second, 30_000, "n2 to get the commit made while the server was down");
  });

  it("logs in again after a dropped connection, without stream resumption, and announces", async () => {
    sb = await pair(server);
    agents.n1 = await start(sb, "n1");
    agents.n2 = await start(sb, "n2");
    await Promise.all(Object.values(agents).map(online));
    const session = signaling(agents.n1).session;
    // ejabberd offers XEP-0198; the agent must not enable it (its catch-up is reading items).
    await new Promise((r) => setTimeout(r, 200));
    expect((session.client.streamManagement as unknown as { enabled: boolean }).enabled).toBe(false);
    const logins = () => agents.n1!.records.filter((r) => r.event === "xmpp-online").length;
    // The network drops: the TLS socket under @xmpp/tls's wrapper (which has no destroy of its own).
    (session.client.socket as unknown as { socket: { destroy(): void } }).socket.destroy();
    await waitFor(async () => logins() === 2 && session.online, 10_000, "n1 to log in again");
    const sha = await commitFile(sb.clones.n1!, "after-blip.txt", "x\n");
    await waitFor(async () => (await head(sb!.clones.n2!)) === sha, 15_000, "n2 to get a commit n1 made after the drop");
  });

  it("ignores strangers, hostile payloads and retract events, and keeps running", async () => {
    sb = await makeSandbox(["n1", "n2"], "line");
    await configureXmpp(sb, server, ["n1", "n2"]);
    agents.n2 = await start(sb, "n2");
    await online(agents.n2);
    const before = await head(sb.clones.n2!);
    const events: Element[] = [];
    signaling(agents.n2).session.on("stanza", (st) => { if (st.getChild("event", NS_PUBSUB_EVENT)) events.push(st); });
    // Something real to point at: a commit n2 does not have (made in n1, never pushed).
    const bait = await commitFile(sb.clones.n1!, "bait.txt", "x\n");
    const repo = (await git(sb.clones.n2!, "rev-list", "--max-parents=0", "HEAD")).trim();
    const node = pubsubNodeName(repo);
    const good = { repo, ref: "refs/heads/main", sha: bait, prev: null, node: "n1", seq: Date.now(), time: Date.now() };
    await publishHostileItems(server, node, good);
    // Drops of items others published (n2's own announcements come back as "stranger" too).
    const drops = () => agents.n2!.records.filter((r) => r.event === "announcement-dropped" && r.publisher !== `n2@${server.domain}`);
    const count = (reason: string) => drops().filter((r) => r.reason === reason).length;
    await waitFor(async () => count("stranger") === 1 && count("malformed") === 3 && count("other-repo") === 1, 10_000, "all five items dropped");
    // ejabberd says who published, with a resource: the stranger is named by its bare JID.
    expect(drops().find((r) => r.reason === "stranger")?.publisher).toBe(`mallory@${server.domain}`);

    // A retract event (XEP-0060 §7.2.2.1) carries no item: nothing to judge, nothing counted.
    const dropped = drops().length;
    await asUser(server, node, "n1", (s) => s.request(xml("iq", { type: "set", to: server.pubsub },
      xml("pubsub", { xmlns: NS_PUBSUB }, xml("retract", { node, notify: "true" }, xml("item", { id: "h4" }))))));
    await waitFor(async () => events.some((e) => e.getChild("event", NS_PUBSUB_EVENT)?.getChild("items")?.getChild("retract")?.attrs.id === "h4"), 5_000, "the retract event");
    await new Promise((r) => setTimeout(r, 100));
    expect(drops()).toHaveLength(dropped);
    expect(await head(sb.clones.n2!)).toBe(before);
    expect(await git(sb.clones.n2!, "cat-file", "-t", bait).catch(() => "missing")).toBe("missing");

    // Still alive and listening: a genuine announcement from n1 is acted on.
    await asUser(server, node, "n1", (_s, n) => n.publish("ok", announcementToElement({ ...good, seq: Date.now() + 1 })));
    await waitFor(async () => (await head(sb!.clones.n2!)) === bait, 15_000, "the genuine announcement to be acted on");
    expect(drops()).toHaveLength(dropped);
  });
});
