// Several server addresses (herald.service given more than once, as for a cluster's nodes): when
// the connection is lost the agent tries the next address, comes online there and catches up.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { startOne, stopAll, type Running } from "./helpers.js";

describe("failover between server addresses", () => {
  let a: XmppServer, b: XmppServer, sb: Sandbox;
  let agents: Running[] = [];
  beforeAll(async () => {
    [a, b] = await Promise.all([startXmppServer({ accounts: ["n1", "n2"] }), startXmppServer({ accounts: ["n1", "n2"] })]);
  });
  afterAll(async () => {
    await stopAll(agents);
    await Promise.all([a?.stop(), b?.stop(), sb?.cleanup()]);
  });

  it("a lost server: the agents log in at the next address and announcements flow there", async () => {
    // n1 only pushes to a bare hub; n2 learns of commits from announcements alone.
    sb = await makeSandbox(["n1", "n2"], [], { bares: ["hub"] });
    for (const [me, peer] of [["n1", "n2"], ["n2", "n1"]] as const) {
      const dir = sb.clones[me]!;
      await git(dir, "config", "herald.jid", `${me}@localhost`);
      await git(dir, "config", "--add", "herald.service", a.service);
      await git(dir, "config", "--add", "herald.service", b.service);
      await git(dir, "config", "herald.pubsub", "pubsub.localhost");
      await git(dir, "config", "herald.tlsCa", a.caFile!); // both servers' certificates come from the run's CA
      await git(dir, "config", "herald.peer", `${peer}@localhost`);
    }
    agents = await Promise.all(["n1", "n2"].map((n) => startOne(sb.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } })));
    const on = (server: XmppServer) => waitFor(async () => agents.every((r) => r.agent.channel?.stats.online && r.agent.channel.session.service === server.service), 20_000, `both agents online on ${server.service}`);
    await on(a);

    await a.halt();
    await on(b);
    const sha = await commitFile(sb.clones.n1!, "after-failover.txt", "b\n");
    await waitFor(async () => (await head(sb.clones.n2!)) === sha, 15_000, "n1's commit on n2 over the second server");
    expect(agents[1]!.records.some((r) => r.event === "fetched-announced" && r.sha === sha)).toBe(true);
    expect(agents[0]!.records.some((r) => r.event === "xmpp-trying" && r.service === b.service)).toBe(true);
  });
});
