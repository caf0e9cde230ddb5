// Foundation: a real Prosody; client A publishes a commit announcement on the repo's pubsub node,
// client B, subscribed with its bare JID, receives it and parses it with @herald/protocol.
import { announcementToElement, decodePayload, pubsubNodeName, type CommitAnnouncement } from "@herald/protocol";
import { startXmppServer, type XmppServer } from "@herald/testkit";
import { eventItems, PubsubNode, Session, silentLogger, type PubsubItem } from "@herald/agent";

const announcement: CommitAnnouncement = {
  repo: "0123456789abcdef0123456789abcdef01234567",
  ref: "refs/heads/main",
  sha: "89abcdef0123456789abcdef0123456789abcdef",
  prev: "0123456789abcdef0123456789abcdef01234567",
  node: "laptop-1a2b3c",
  seq: 1,
  time: Date.UTC(2026, 10, 25, 16, 45, 6, 123),
};

describe("pubsub announcement through a real Prosody", () => {
  let server: XmppServer;
  const sessions: Session[] = [];
  beforeAll(async () => {
    server = await startXmppServer({ accounts: 2 });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.stop()));
    await server?.stop();
  });

  const login = async (i: number, { firstTryMayFail = false } = {}) => {
    const acc = server.accounts[i]!;
    const s = new Session({ jid: acc.jid, password: acc.password, service: server.service, tlsCa: server.caFile!, resource: `test${i}` }, silentLogger);
    sessions.push(s);
    let timer: NodeJS.Timeout | undefined;
    const online = new Promise((resolve, reject) => {
      s.once("online", resolve);
      timer = setTimeout(() => reject(new Error(`${acc.jid} not online within 20 s`)), 20_000);
    }).finally(() => clearTimeout(timer));
    if (firstTryMayFail) s.start().catch(() => undefined);
    else await s.start();
    await online;
    return s;
  };

  it("A publishes, B receives and parses the same announcement", async () => {
    const [a, b] = [await login(0), await login(1)];
    const nodeName = pubsubNodeName(announcement.repo);
    const nodeA = new PubsubNode(a, server.pubsub, nodeName);
    const nodeB = new PubsubNode(b, server.pubsub, nodeName);
    expect(await nodeA.ensure()).toBe("created");
    expect(await nodeB.ensure()).toBe("exists");
    await nodeB.subscribe();

    const received = new Promise<PubsubItem>((resolve) => {
      b.on("stanza", (st) => {
        const [item] = eventItems(st, server.pubsub);
        if (item) resolve(item);
      });
    });
    await nodeA.publish(announcement.ref, announcementToElement(announcement));
    const item = await received;
    expect(item.node).toBe(nodeName);
    expect(item.id).toBe("refs/heads/main");
    // The server, not the sender, says who published (expose_publisher).
    expect(item.publisher?.split("/")[0]).toBe(server.accounts[0]!.jid);
    const decoded = decodePayload(item.payload);
    expect(decoded).toEqual({ ok: true, value: { kind: "announce", announcement } });

    // Items persist: a client that was not listening reads them back (catch-up).
    const items = await nodeB.items();
    expect(items.map((i) => i.id)).toEqual(["refs/heads/main"]);
    expect(decodePayload(items[0]!.payload)).toEqual({ ok: true, value: { kind: "announce", announcement } });
  });

  it("keeps the node and its items across a server restart on the same port", async () => {
    const port = server.port;
    await server.restart();
    expect(server.port).toBe(port);
    // As an agent meets a restarted server: the first try may meet a connection the server drops
    // (a gate run once failed here with "write EPIPE"); Session keeps trying, and it is the
    // session coming online that counts.
    const c = await login(1, { firstTryMayFail: true });
    const items = await new PubsubNode(c, server.pubsub, pubsubNodeName(announcement.repo)).items();
    expect(items.map((i) => i.id)).toEqual(["refs/heads/main"]);
  });
});
