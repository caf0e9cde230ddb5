// An XMPP login through the test kit's link simulator: a real Prosody requiring TLS, reached over
// a link with 80 ms round trips. Every round trip of the login (stream, STARTTLS, TLS handshake,
// SASL, bind) pays it, so the login takes several of them longer than over plain loopback.
import { Session, silentLogger } from "@herald/agent";
import { startLink, startXmppServer, type Link, type XmppServer } from "@herald/testkit";

describe("an XMPP login through a simulated 80 ms link", () => {
  let server: XmppServer;
  let link: Link;
  beforeAll(async () => {
    server = await startXmppServer({ accounts: ["agent1"] });
    link = await startLink({ target: { host: "127.0.0.1", port: server.port }, delayMs: 40 });
  });
  afterAll(async () => {
    await link?.stop();
    await server?.stop();
  });

  const login = async (service: string): Promise<number> => {
    const s = new Session({ jid: `agent1@${server.domain}`, password: "agent1-pw", service, tlsCa: server.caFile! }, silentLogger);
    const t0 = Date.now();
    try {
      await s.start();
      return Date.now() - t0;
    } finally {
      await s.stop();
    }
  };

  it("logs in with TLS through the link, paying its round trips", async () => {
    const direct = await login(server.service);
    const slow = await login(`xmpp://${link.address}`);
    expect(link.stats.connections).toBe(1);
    expect(link.stats.bytesToTarget).toBeGreaterThan(1000); // the TLS handshake and the login crossed it
    expect(link.stats.bytesToClient).toBeGreaterThan(1000);
    // TCP's handshake, the stream, STARTTLS, TLS, SASL and bind: at least 6 round trips of 80 ms.
    expect(slow).toBeGreaterThanOrEqual(6 * 80);
    expect(slow).toBeGreaterThan(direct + 300);
  });
});
