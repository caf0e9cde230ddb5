// Two ejabberd nodes in one cluster (Mnesia replicates accounts, the repository's pubsub node, its
// subscriptions and items): an agent logged in at node 1 and one at node 2 hear each other; node 1
// crashes, its agent logs in at node 2 (its next herald.service address) and commits keep flowing
// both ways; node 1 comes back and rejoins the cluster. One cluster for the file: Erlang VMs start slowly.
import { commitFile, ejabberdInstalled, git, head, makeSandbox, startEjabberdCluster, waitFor, type EjabberdCluster, type Sandbox } from "@herald/testkit";
import { startOne, stopAll, type Running } from "./helpers.js";

const installed = await ejabberdInstalled();
if (!installed) console.log("ejabberd not installed: skipping the cluster failover (apt-get install ejabberd)");
const describeIfEjabberd = installed ? describe : describe.skip;

describeIfEjabberd("an ejabberd cluster of two nodes", () => {
  let cluster: EjabberdCluster;
  let sb: Sandbox;
  let agents: Running[] = [];
  beforeAll(async () => {
    cluster = await startEjabberdCluster({ nodes: 2, accounts: ["n1", "n2"] });
  }, 90_000);
  afterAll(async () => {
    await stopAll(agents);
    await Promise.all([cluster?.stop(), sb?.cleanup()]);
  });

  it("agents on either node hear each other, and a crashed node's agents carry on at the other", async () => {
    const [one, two] = cluster.nodes as [EjabberdCluster["nodes"][0], EjabberdCluster["nodes"][0]];
    // n1 and n2 only push to a bare hub (ref watching off): each learns of the other's commits from
    // announcements alone, so every commit that arrives crossed the cluster's pubsub.
    sb = await makeSandbox(["n1", "n2"], [], { bares: ["hub"] });
    const home = { n1: [one, two], n2: [two, one] } as const;
    for (const [me, peer] of [["n1", "n2"], ["n2", "n1"]] as const) {
      const dir = sb.clones[me]!;
      await git(dir, "config", "herald.jid", `${me}@${cluster.domain}`);
      for (const n of home[me]) await git(dir, "config", "--add", "herald.service", n.service);
      await git(dir, "config", "herald.pubsub", cluster.pubsub);
      await git(dir, "config", "herald.tlsCa", cluster.caFile!);
      await git(dir, "config", "herald.peer", `${peer}@${cluster.domain}`);
    }
    agents = await Promise.all(["n1", "n2"].map((n) => startOne(sb.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } })));
    const [a1, a2] = agents as [Running, Running];
    const at = (r: Running, service: string) => waitFor(async () => r.agent.channel?.stats.online && r.agent.channel.session.service === service, 30_000, `online at ${service}`);
    await Promise.all([at(a1, one.service), at(a2, two.service)]);

    /** A commit on `from` reaches `to` through an announcement. */
    const flows = async (from: "n1" | "n2", to: "n1" | "n2", file: string) => {
      const sha = await commitFile(sb.clones[from]!, file, `${file}\n`);
      await waitFor(async () => (await head(sb.clones[to]!)) === sha, 30_000, `${from}'s ${file} on ${to}`);
      const listener = to === "n1" ? a1 : a2;
      expect(listener.records.some((r) => r.event === "fetched-announced" && r.sha === sha)).toBe(true);
    };
    await flows("n1", "n2", "from-node-1.txt");
    await flows("n2", "n1", "from-node-2.txt");

    await one.crash();
    await at(a1, two.service); // its next address: the surviving node
    expect(a1.records.some((r) => r.event === "xmpp-trying" && r.service === two.service)).toBe(true);
    await flows("n1", "n2", "after-crash-1.txt");
    await flows("n2", "n1", "after-crash-2.txt");

    await one.resume();
    await waitFor(async () => (await cluster.members(1)).length === 2, 30_000, "node 1 back in the cluster");
    expect(await cluster.members(0)).toEqual(await cluster.members(1));
    // The returned node serves the replicated node and items: a new login there catches up.
    await flows("n2", "n1", "after-rejoin.txt");
  }, 180_000);
});
