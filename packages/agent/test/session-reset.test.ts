// Found by npm run chaos: an agent starting while Prosody restarts died of an unhandled rejection
// (read ECONNRESET). The server accepted the connection and reset it while the stream was being
// opened. Session.start must reject, and nothing may be left unhandled. The "server" here is a
// loopback socket that resets every connection after the client's first bytes: a network fault,
// not a stand-in for XMPP.
import { createServer, type Server, type Socket } from "node:net";
import { Session, silentLogger } from "@herald/agent";

describe("Session.start when the server resets the connection during the stream open", () => {
  let server: Server;
  afterEach(async () => { await new Promise((r) => server?.close(r)); });

  it("rejects, and leaves no unhandled rejection behind", async () => {
    server = createServer((s: Socket) => s.once("data", () => s.resetAndDestroy()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    const s = new Session({ jid: "a@localhost", password: "pw", service: `xmpp://127.0.0.1:${port}` }, silentLogger);
    try {
      await expect(s.start()).rejects.toThrow(/ECONNRESET|closed|socket/i);
      await new Promise((r) => setTimeout(r, 300)); // a rejection nobody handles is reported on a later tick
    } finally {
      await s.stop();
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
