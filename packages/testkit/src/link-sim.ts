// A simulated network link for tests and benchmarks: a loopback TCP proxy in front of one
// target (an XMPP server, an sshd) that delays, jitters and caps what crosses it, and fails the
// way a network fails. Plain node:net: no root, no kernel modules, no netem.
//
// - A new connection costs TCP's handshake: the onward connection opens 3 one-way delays after
//   accept, so the client's first byte reaches the target at 3×delay and the target's first
//   byte reaches the client at 4×delay, as over a real link.
// - cut(): a blackhole. Nothing is delivered and nothing is closed: open connections stall, and
//   a new one (which the kernel accepts before we can refuse) hears nothing, ever. What is sent
//   meanwhile is kept, as TCP keeps retransmitting it, and arrives after restore().
// - reset(): every connection is reset (RST), and so is every new one until restore().
import { connect, createServer, type Server, type Socket } from "node:net";
import { seededRandom } from "@herald/planner";
import { checkShape, Schedule, type LinkShape } from "./link-schedule.js";
import { Pipe } from "./link-pipe.js";

export type { LinkShape } from "./link-schedule.js";

export interface LinkOptions extends Partial<LinkShape> {
  target: { host: string; port: number };
  /** Where the link listens (default 127.0.0.1, a free port). */
  host?: string;
  port?: number;
  /** The jitter's random source (default: seeded, so a run repeats). */
  random?: () => number;
}

export interface LinkStats {
  /** Connections accepted, over the link's life. */
  connections: number;
  /** Bytes delivered to the target, and to the clients. */
  bytesToTarget: number;
  bytesToClient: number;
}

export type LinkState = "up" | "cut" | "reset";

export interface Link {
  host: string;
  port: number;
  /** `host:port`, e.g. for `xmpp://` + address. */
  address: string;
  readonly state: LinkState;
  readonly stats: LinkStats;
  /** New values apply to what is sent from now on. */
  set(shape: Partial<LinkShape>): void;
  cut(): void;
  reset(): void;
  restore(): void;
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
}

/** Bytes in flight per direction before the sender is slowed: a generous TCP window, or twice
 * the bandwidth-delay product of a capped link. */
const WINDOW = 1 << 20;

interface Conn { client: Socket; target?: Socket; up: Pipe; down?: Pipe; timer?: NodeJS.Timeout; waiting: boolean }

export async function startLink(opts: LinkOptions): Promise<Link> {
  const shape: LinkShape = { delayMs: 0, jitterMs: 0, bytesPerSecond: Infinity };
  const set = (s: Partial<LinkShape>) => {
    checkShape(s);
    for (const k of ["delayMs", "jitterMs", "bytesPerSecond"] as const) if (s[k] !== undefined) shape[k] = s[k];
  };
  set(opts);
  const random = opts.random ?? seededRandom(1);
  const stats: LinkStats = { connections: 0, bytesToTarget: 0, bytesToClient: 0 };
  const conns = new Set<Conn>();
  let state: LinkState = "up";
  const limit = () => Math.max(WINDOW, Number.isFinite(shape.bytesPerSecond) ? (2 * shape.bytesPerSecond * (shape.delayMs + shape.jitterMs)) / 1000 : 0);
  const schedule = () => new Schedule(() => shape, random);

  const kill = (c: Conn) => {
    clearTimeout(c.timer);
    c.up.drop();
    c.down?.drop();
    c.client.resetAndDestroy();
    c.target?.resetAndDestroy();
    conns.delete(c);
  };

  // The onward connection, once the handshake's time has passed; during a cut it waits, as a
  // SYN retransmitted into a blackhole waits.
  const handshake = (c: Conn) => {
    c.timer = setTimeout(() => {
      c.timer = undefined;
      if (state === "cut") { c.waiting = true; return; }
      const t = connect({ ...opts.target, allowHalfOpen: true });
      c.target = t;
      t.setNoDelay(true);
      t.on("error", () => { if (!c.down) kill(c); }); // refused: the client is reset, as by the host
      t.once("connect", () => {
        if (!conns.has(c)) return; // reset meanwhile
        c.down = new Pipe(t, schedule(), { limit, delivered: (n) => { stats.bytesToClient += n; } });
        if (state === "cut") c.down.hold();
        c.up.attach(t);
        c.down.attach(c.client);
      });
      t.once("close", () => { if (c.client.destroyed) conns.delete(c); });
    }, 3 * shape.delayMs);
  };

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    stats.connections++;
    client.on("error", () => undefined);
    if (state === "reset") { client.resetAndDestroy(); return; }
    const c: Conn = { client, up: new Pipe(client, schedule(), { limit, delivered: (n) => { stats.bytesToTarget += n; } }), waiting: false };
    conns.add(c);
    if (state === "cut") c.up.hold();
    client.once("close", () => {
      // A client that gives up before the far side answered never reaches it.
      if (!c.target) { clearTimeout(c.timer); c.up.drop(); conns.delete(c); }
      else if (c.target.destroyed) conns.delete(c);
    });
    handshake(c);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const addr = server.address();
  if (!addr || typeof addr !== "object") throw new Error("link: the listener has no address");
  const host = opts.host ?? "127.0.0.1";

  return {
    host, port: addr.port, address: `${host}:${addr.port}`,
    get state() { return state; },
    stats,
    set,
    cut: () => {
      state = "cut";
      for (const c of conns) { c.up.hold(); c.down?.hold(); }
    },
    reset: () => {
      state = "reset";
      for (const c of [...conns]) kill(c);
    },
    restore: () => {
      if (state === "up") return;
      state = "up";
      for (const c of conns) {
        c.up.release();
        c.down?.release();
        if (c.waiting) { c.waiting = false; handshake(c); }
      }
    },
    stop: async () => {
      for (const c of [...conns]) kill(c);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
