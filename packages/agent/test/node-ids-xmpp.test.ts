// With XMPP, a remote's node is judged by what is heard on the repository's node: a peer whose
// agent announces or gossips its map is fine; a remote whose node never speaks there is a warning
// in status and in the doctor (it would sit on the map as an unreachable node).
import { runDoctor } from "@herald/agent";
import { git, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

describe("remote nodes with XMPP", () => {
  let sb: Sandbox;
  let server: XmppServer;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await server?.stop();
    await sb?.cleanup();
  });

  it("a peer heard from passes; a remote whose node never speaks warns in status and doctor", async () => {
    server = await startXmppServer({ accounts: ["n1", "n2"] });
    sb = await makeSandbox(["n1", "n2", "ghost"], [["n1", "n2"], ["n1", "ghost"]]);
    await configureXmpp(sb, server, ["n1", "n2"]);
    for (const n of ["n1", "n2", "ghost"]) await git(sb.clones[n]!, "config", "--unset", "herald.node");
    const start = (n: string) => startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    const n2 = await start("n2");
    agents.push(n2);
    const n1 = await start("n1");
    agents.push(n1);
    await waitFor(async () => n1.agent.plan.heardNodes().has(n2.agent.node) || undefined, 10_000, "n1 hears n2's map");

    const remotes = (await n1.agent.status()).remotes;
    expect(remotes.find((r) => r.name === "n2")).toEqual(expect.objectContaining({ kind: "peer", node: n2.agent.node }));
    expect(remotes.find((r) => r.name === "n2")?.warning).toBeUndefined();
    const ghost = remotes.find((r) => r.name === "ghost")!;
    expect(ghost.warning).toBe(`node '${ghost.node}' never heard from over XMPP (no announcement or map from it): is Herald running there, on this server, with this account as its herald.peer?`);

    // The doctor: the same, and a herald-node naming no node is named with the node heard.
    await git(sb.clones.n1!, "config", "remote.n2.herald-node", "desktop");
    const checks = await runDoctor({ dirs: [sb.clones.n1!], machine: [], env: { HERALD_PASSWORD: "n1-pw" }, timeoutMs: 5000 });
    const line = (name: string) => checks.find((c) => c.name === `${sb.clones.n1} remote ${name}`);
    expect(line("n2")).toMatchObject({ result: "fail", detail: expect.stringContaining(`herald-node 'desktop' names no node Herald has heard of; the clone there advertises '${n2.agent.node}' (remove the setting)`), fix: "git config --unset remote.n2.herald-node" });
    expect(line("ghost")).toMatchObject({ result: "fail", detail: expect.stringContaining(ghost.warning!), fix: expect.stringContaining("start Herald there") });
  });
});
