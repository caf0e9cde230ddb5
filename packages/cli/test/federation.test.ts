// Two organisations, two servers: a.test (127.0.0.2) holds the repository's pubsub node, an agent
// of b.test (127.0.0.3) reads and publishes there over server-to-server federation once the node's
// owner ran `herald peer add n2@b.test`. The node is then whitelist-only: an account of b.test
// that was not granted can neither subscribe nor publish.
import { Session, PubsubNode, silentLogger, type Agent } from "@herald/agent";
import { commitFile, federationUnavailable, git, head, makeSandbox, startFederation, waitFor, type Federation, type Sandbox, type XmppServer } from "@herald/testkit";
import { pubsubNodeName } from "@herald/protocol";
import { xml } from "@xmpp/client";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAgents } from "./in-process-agents.js";
import { herald, lines } from "./run-herald.js";

const DOMAINS = [
  { domain: "a.test", ip: "127.0.0.2", accounts: ["n1"] },
  { domain: "b.test", ip: "127.0.0.3", accounts: ["n2", "mallory"] },
];
const unavailable = await federationUnavailable(DOMAINS);
if (unavailable) console.log(`federation: skipping the federated pair: ${unavailable}`);
const describeIfFederation = unavailable ? describe.skip : describe;

describeIfFederation("two federated servers", () => {
  let fed: Federation;
  let a: XmppServer, b: XmppServer;
  let sb: Sandbox;
  let agents: Agent[] = [];
  beforeAll(async () => {
    fed = await startFederation(DOMAINS);
    [a, b] = fed.servers as [XmppServer, XmppServer];
  });
  afterAll(async () => {
    await stopAgents(agents);
    await Promise.all([fed?.stop(), sb?.cleanup()]);
  });

  it("herald peer add grants a JID of the other server; its agent subscribes and publishes across s2s", async () => {
    sb = await makeSandbox(["n1", "n2"], [], { bares: ["hub"] });
    const [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    for (const [dir, jid, server, peer] of [[n1, "n1@a.test", a, null], [n2, "n2@b.test", b, "n1@a.test"]] as const) {
      await git(dir, "config", "herald.jid", jid);
      await git(dir, "config", "herald.service", server.service);
      await git(dir, "config", "herald.pubsub", "pubsub.a.test"); // the node lives on a.test for both
      await git(dir, "config", "herald.tlsCa", server.caFile!); // c2s over TLS; s2s stays plaintext on loopback
      if (peer) await git(dir, "config", "herald.peer", peer);
    }

    // The machine's settings list one peer already; n1's clone has no list of its own.
    const xdg = join(sb.root, "xdg");
    await mkdir(join(xdg, "herald"), { recursive: true });
    await writeFile(join(xdg, "herald", "config"), "[herald]\n\tpeer = ops@a.test\n");
    const env = { HERALD_PASSWORD: "n1-pw", XDG_CONFIG_HOME: xdg };

    const bad = await herald(["peer", "add", "not a jid", "--repo", n1], { env });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([expect.stringContaining('herald.peer: "not a jid" is not a bare JID')]);

    const r = await herald(["peer", "add", "n2@b.test", "--repo", n1], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^added: herald\.peer n2@b\.test$/m);
    for (const grant of ["n1@a.test owner", "n2@b.test publisher", "ops@a.test publisher"]) expect(r.stdout).toContain(grant);
    // A clone's list replaces the machine's: the clone took the machine's peer along.
    expect((await git(n1, "config", "--get-all", "herald.peer")).trim().split("\n")).toEqual(["ops@a.test", "n2@b.test"]);

    // Only the owner grants: b.test's agent may publish but not hand out rights. The refusal comes
    // before anything changed: not the node, not n2's own herald.peer.
    const repoId = (await git(n1, "rev-list", "--max-parents=0", "HEAD")).trim();
    const nodeState = async () => {
      const owner = new Session({ jid: "n1@a.test", password: "n1-pw", service: a.service, tlsCa: a.caFile! }, silentLogger);
      await owner.start();
      try {
        const node = new PubsubNode(owner, "pubsub.a.test", pubsubNodeName(repoId));
        const config = await node.configuration();
        return { affiliations: await node.affiliations(), access: config["pubsub#access_model"], publish: config["pubsub#publish_model"] };
      } finally {
        await owner.stop();
      }
    };
    const granted = await nodeState();
    expect(granted).toEqual({ affiliations: { "n1@a.test": "owner", "n2@b.test": "publisher", "ops@a.test": "publisher" }, access: "whitelist", publish: "publishers" });
    const notOwner = await herald(["peer", "add", "mallory@b.test", "--repo", n2], { env: { HERALD_PASSWORD: "n2-pw", XDG_CONFIG_HOME: join(sb.root, "xdg-none") } });
    expect(notOwner.code).toBe(1);
    expect(lines(notOwner.stderr)).toEqual([expect.stringMatching(/^herald: n2@b\.test does not own /)]);
    expect((await git(n2, "config", "--get-all", "herald.peer")).trim()).toBe("n1@a.test");
    expect(await nodeState()).toEqual(granted);

    // An account of b.test nobody granted: no subscription, no publishing (XEP-0060 §6.1.3.4, §7.1.3.1).
    const eve = new Session({ jid: "mallory@b.test", password: "mallory-pw", service: b.service, tlsCa: b.caFile! }, silentLogger);
    await eve.start();
    try {
      const node = new PubsubNode(eve, "pubsub.a.test", pubsubNodeName(repoId));
      await expect(node.subscribe()).rejects.toMatchObject({ condition: expect.stringMatching(/forbidden|not-authorized|not-allowed/) });
      await expect(node.publish("x", xml("x", { xmlns: "urn:test" }))).rejects.toMatchObject({ condition: "forbidden" });
    } finally {
      await eve.stop();
    }

    agents = await startAgents([n1, n2], (dir) => ({ HERALD_PASSWORD: dir === n1 ? "n1-pw" : "n2-pw" }));
    await waitFor(async () => agents.every((g) => g.channel?.stats.online), 20_000, "both agents online and subscribed");
    const [g1, g2] = agents as [Agent, Agent];
    const fromA = await commitFile(n1, "from-a.txt", "a\n");
    await waitFor(async () => (await head(n2)) === fromA, 20_000, "a.test's commit on b.test's clone");
    expect(g2.channel!.stats.lastIn?.sha).toBe(fromA); // it heard the announcement over s2s
    const fromB = await commitFile(n2, "from-b.txt", "b\n");
    await waitFor(async () => (await head(n1)) === fromB, 20_000, "b.test's commit on a.test's clone");
    expect(g1.channel!.stats.lastIn?.sha).toBe(fromB); // published across s2s, trusted as n2@b.test
  }, 120_000);
});
