// What a peer sees of a clone's state in its XMPP presence (machine/presence.ts): after a merge
// that resolved a conflict, "1 conflict to settle", as the person's chat client would show it.
// n2 is one of n1's herald.peer: n1's agent approves its subscription (xmpp/peer-subscription.ts),
// and the server then passes n1's presence on to it.
import { commitFile, git, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { Session, silentLogger } from "@herald/agent";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

describe("presence", () => {
  let server: XmppServer;
  let sb: Sandbox;
  const agents: Running[] = [];
  let peer: Session | null = null;
  afterAll(async () => {
    await peer?.stop();
    await stopAll(agents);
    await sb?.cleanup();
    await server?.stop();
  });

  it("a peer sees the conflicts a merge left to settle", async () => {
    server = await startXmppServer({ accounts: ["n1", "n2"] });
    sb = await makeSandbox(["n1", "n2"], [["n1", "n2"]]);
    await configureXmpp(sb, server, ["n1", "n2"]);
    // Two versions of one file, made before n1's agent starts: its first sync merges them.
    await commitFile(sb.clones.n1!, "plan.txt", "n1's plan\n");
    await commitFile(sb.clones.n2!, "plan.txt", "n2's plan\n");
    const n1 = await startOne(sb.clones.n1!, { env: { HERALD_PASSWORD: "n1-pw" } });
    agents.push(n1);
    await waitFor(async () => n1.agent.channel?.stats.online, 10_000, "n1 online");

    peer = new Session({ jid: `n2@${server.domain}`, password: "n2-pw", service: server.service, ...(server.caFile ? { tlsCa: server.caFile } : {}) }, silentLogger);
    const seen: string[] = [];
    peer.on("stanza", (st: Element) => {
      if (st.name === "presence" && String(st.attrs.from ?? "").startsWith(`n1@${server.domain}/`)) seen.push(st.getChildText("status") ?? "");
    });
    await peer.start();
    await peer.send(xml("presence", { to: `n1@${server.domain}`, type: "subscribe" }));
    await waitFor(async () => seen.length > 0, 10_000, "n1's presence after the subscription");

    await n1.agent.sync();
    await n1.agent.idle();
    expect((await git(sb.clones.n1!, "ls-files")).split("\n")).toEqual(expect.arrayContaining(["plan.txt", expect.stringMatching(/^plan\.variant-[0-9a-f]+\.txt$/)]));
    await waitFor(async () => seen.includes("1 conflict to settle"), 10_000, "the peer to see the conflict in n1's presence");
  });
});
