// The link simulator against real loopback sockets: an echo server and a byte sink behind it.
import { connect, createServer, type Server, type Socket } from "node:net";
import { startLink, type Link } from "../src/link-sim.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen(onSocket: (s: Socket) => void): Promise<Server> {
  // A socket the link resets (at a test's end) reports ECONNRESET: expected, not a failure.
  const server = createServer((s) => { s.on("error", () => undefined); onSocket(s); });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

function open(link: Link): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: link.host, port: link.port });
    s.once("connect", () => { s.on("error", () => undefined); resolve(s); });
    s.once("error", reject);
  });
}

/** Milliseconds from writing `msg` to reading it back. */
function echo(s: Socket, msg: string): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let got = "";
    const onData = (b: Buffer) => {
      got += b.toString();
      if (got.includes(msg)) { s.off("data", onData); resolve(Date.now() - t0); }
    };
    s.on("data", onData);
    s.write(msg);
  });
}

/** Everything that happens to `s` from now on. */
function watch(s: Socket): string[] {
  const events: string[] = [];
  s.on("data", (b: Buffer) => events.push(`data:${b.toString()}`));
  for (const e of ["end", "close"]) s.on(e, () => events.push(e));
  s.on("error", (e: NodeJS.ErrnoException) => events.push(`error:${e.code}`));
  return events;
}

describe("the link simulator", () => {
  let echoServer: Server;
  let accepted = 0;
  const links: Link[] = [];
  const sockets: Socket[] = [];
  const link = async (o: Parameters<typeof startLink>[0]) => { const l = await startLink(o); links.push(l); return l; };
  const client = async (l: Link) => { const s = await open(l); sockets.push(s); return s; };
  const target = () => ({ host: "127.0.0.1", port: portOf(echoServer) });

  beforeAll(async () => {
    echoServer = await listen((s) => { accepted++; s.pipe(s); });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(links.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => { await new Promise((r) => echoServer.close(r)); });

  it("delays each direction: a round trip takes twice the delay, a new connection's first one four times", async () => {
    const l = await link({ target: target(), delayMs: 60 });
    const s = await client(l);
    const first = await echo(s, "hello");
    expect(first).toBeGreaterThanOrEqual(4 * 60 - 2); // TCP's handshake, then the round trip
    const rtt = await echo(s, "again");
    expect(rtt).toBeGreaterThanOrEqual(2 * 60 - 2);
    expect(rtt).toBeLessThan(2 * 60 + 100);
    expect(l.stats).toMatchObject({ connections: 1, bytesToTarget: 10, bytesToClient: 10 });
    l.set({ delayMs: 0 });
    expect(await echo(s, "faster")).toBeLessThan(100); // under the 120 it cost before
    expect(() => l.set({ delayMs: -5 })).toThrow("link: delayMs must be a finite number ≥ 0, not -5");
  });

  it("carries a close after the data before it, and not during a cut", async () => {
    const l = await link({ target: target(), delayMs: 10 });
    const s = await client(l);
    await echo(s, "hi");
    const events = watch(s);
    l.cut();
    s.end("bye"); // the echo server ends its side when it reads our end
    await sleep(200);
    expect(events).toEqual([]);
    l.restore();
    await waitUntil(() => events.includes("close"));
    expect(events).toEqual(["data:bye", "end", "close"]);
  });

  it("caps the bandwidth: 1 MB at 2 MB/s takes half a second", async () => {
    let received = 0;
    let done: () => void;
    const all = new Promise<void>((r) => { done = r; });
    const sink = await listen((s) => s.on("data", (b: Buffer) => { received += b.length; if (received >= 1_000_000) done(); }));
    try {
      const l = await link({ target: { host: "127.0.0.1", port: portOf(sink) }, bytesPerSecond: 2_000_000 });
      const s = await client(l);
      const t0 = Date.now();
      s.write(Buffer.alloc(1_000_000));
      await all;
      const ms = Date.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(480);
      expect(ms).toBeLessThan(1500);
    } finally {
      sink.close();
    }
  });

  it("slows the sender instead of buffering a large transfer", async () => {
    const sink = await listen((s) => s.on("data", () => undefined));
    try {
      const l = await link({ target: { host: "127.0.0.1", port: portOf(sink) }, bytesPerSecond: 1_000_000 });
      const s = await client(l);
      const chunk = Buffer.alloc(64 << 10);
      const before = process.memoryUsage().arrayBuffers;
      // 128 MB: one buffer written many times costs the sender nothing; what the link reads, it copies.
      for (let i = 0; i < 2048; i++) s.write(chunk);
      await sleep(800); // without backpressure the link would have read (and kept) most of it by now
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20); // about a window: 1 MB
      expect(s.writableLength).toBeGreaterThan(64 << 20); // the rest waits in the sender
    } finally {
      sink.close();
    }
  });

  it("cut: open connections stall without a close, new ones hear nothing; restore delivers what was sent", async () => {
    const l = await link({ target: target(), delayMs: 10 });
    const s = await client(l);
    await echo(s, "before");
    const before = accepted;
    l.cut();
    const stalled = watch(s);
    s.write("during");
    const fresh = await client(l); // the kernel accepts; nobody answers
    const silent = watch(fresh);
    fresh.write("hello?");
    await sleep(1000);
    expect(stalled).toEqual([]);
    expect(silent).toEqual([]);
    expect(accepted).toBe(before); // nothing reached the target
    l.restore();
    await waitUntil(() => stalled.join("").includes("during") && silent.join("").includes("hello?"));
    expect(stalled.join("")).toBe("data:during");
    expect(silent.join("")).toBe("data:hello?");
  });

  it("reset: open connections and new ones get ECONNRESET until restore", async () => {
    const l = await link({ target: target() });
    const s = await client(l);
    await echo(s, "before");
    const events = watch(s);
    l.reset();
    await waitUntil(() => events.includes("close"));
    expect(events).toContain("error:ECONNRESET");
    const fresh = connect({ host: l.host, port: l.port });
    const refused = watch(fresh);
    await waitUntil(() => refused.includes("close"));
    expect(refused).toContain("error:ECONNRESET");
    l.restore();
    expect(await echo(await client(l), "after")).toBeLessThan(1000);
  });
});

async function waitUntil(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(10);
  }
}
