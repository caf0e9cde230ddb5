// Sockets under TLS are closed for real. @xmpp/tls wraps the TLS socket in an object with no
// destroy(): calling it crashed every short login (herald init, doctor, peer add: "sock.destroy is
// not a function"), and Session.stop's `destroy?.()` silently left the connection open. The server
// here completes the TLS handshake with a certificate from the run's CA, then never says a word
// and never closes its side (half-open); once the client ends its side it keeps writing: a socket
// merely ended reads that, a destroyed one resets. A network fault (a stalled server), not a
// stand-in for XMPP.
import { withLogin, Session, silentLogger } from "@herald/agent";
import { makeServerCertificate, waitFor } from "@herald/testkit";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server, type TLSSocket } from "node:tls";

describe("TLS sockets of a login to a server that never answers", () => {
  let dir: string;
  let server: Server;
  const accepted = new Set<TLSSocket>();
  let service: string;
  let caFile: string;
  const open = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-silent-tls-"));
    const cert = await makeServerCertificate(dir, "localhost", ["localhost"]);
    caFile = cert.caFile;
    server = createServer({ cert: await readFile(cert.certFile), key: await readFile(cert.keyFile), allowHalfOpen: true }, (s) => {
      accepted.add(s);
      s.on("close", () => accepted.delete(s));
      s.on("data", () => undefined);
      s.on("error", () => undefined); // the reset that a destroyed client socket answers with
      const poke = () => { if (!s.destroyed) s.write("still here\n", (e) => { if (!e) setTimeout(poke, 50); }); };
      s.on("end", poke);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    service = `xmpps://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    await new Promise((r) => server?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it("withLogin gives up at its time limit with the reason, and closes the connection", async () => {
    const reason = await withLogin({ jid: "a@localhost", password: "pw", service, tlsCa: caFile }, 1000, async () => "logged in", (r) => r);
    expect(reason).toBe("no answer in 1 s (login)");
    await waitFor(async () => (await open()) === 0, 5_000, "the socket closed");
  });

  it("Session.stop closes a connection the server never answered on", async () => {
    const s = new Session({ jid: "a@localhost", password: "pw", service, tlsCa: caFile }, silentLogger);
    s.start().catch(() => undefined);
    await waitFor(async () => (await open()) === 1, 5_000, "the connection");
    await s.stop();
    await waitFor(async () => (await open()) === 0, 5_000, "the socket closed");
  });
});
