// One XMPP login for the agent: @xmpp/client set up with the fixes this project relies on
// (xmpp-test-server.md §5): PLAIN where safe, TCP_NODELAY, presence after every (re)connect,
// reconnect with capped exponential backoff, TLS required off loopback, certificates verified
// against the system store plus herald.tlsCa (tls-transport.ts), no password in logs.
import { client, xml, type Client } from "@xmpp/client";
import debug from "@xmpp/debug";
import type { Element } from "@xmpp/xml";
import { EventEmitter } from "node:events";
import { Socket as NetSocket } from "node:net";
import { TLSSocket } from "node:tls";
import { HeraldError } from "../errors.js";
import type { Logger } from "../log.js";
import { dropDataWithoutParser } from "./client-guards.js";
import { iqRequest } from "./iq-request.js";
import { applyTlsPolicy, isVerifiedTls } from "./tls-transport.js";
import { readTlsCa, trustContext } from "./tls-trust.js";
import { chooseMechanism, isLoopbackService, reconnectDelay } from "./transport-policy.js";

const NS_STREAMS = "http://etherx.jabber.org/streams";

export interface SessionOptions {
  jid: string;
  password: string;
  /** e.g. xmpp://host:5222; default xmpp://<domain>:5222 */
  service?: string;
  /** More addresses of the same service (a cluster's other nodes): a lost or refused connection
   * tries the next one, in turn, with the usual backoff. */
  failover?: string[];
  resource?: string;
  /** Allow a plaintext login to a non-loopback server (off unless the user says so). */
  allowInsecure?: boolean;
  /** herald.tlsCa: a PEM file of CA certificates trusted beside the system store. */
  tlsCa?: string;
  /** @xmpp/debug stanza log, with SASL payloads masked */
  debugStanzas?: boolean;
}

export interface Presence { show?: "away" | "dnd" | "xa" | "chat"; status?: string }

export interface SessionEvents {
  online: [jid: string];
  offline: [];
  stanza: [el: Element];
}

export class Session extends EventEmitter<SessionEvents> {
  readonly client: Client;
  readonly bareJid: string;
  readonly domain: string;
  /** Stanzas (RFC 6120 §8: message, presence, iq) sent and received since it was made; stream
   * management acks and SASL are not counted. Read by status and by `npm run bench`. */
  readonly stanzas = { in: 0, out: 0 };
  #online = false;
  #attempt = 0;
  #presence: Presence = {};
  #stopped = false;
  /** Every raw socket opened and not yet closed: stop() destroys what a polite close left open. */
  readonly #sockets = new Set<NetSocket>();

  constructor(readonly options: SessionOptions, private readonly log: Logger) {
    super();
    const [local, domain] = splitJid(options.jid);
    this.domain = domain;
    this.bareJid = `${local}@${domain}`;
    const addresses = [options.service ?? `xmpp://${domain}:5222`, ...(options.failover ?? [])];
    let current = 0;
    const c = client({
      service: addresses[0],
      domain,
      resource: options.resource ?? "herald",
      credentials: async (authenticate, mechanisms, _fast, entity) => {
        // Secure means TLS whose certificate passed our check (tls-transport.ts), nothing less.
        const secure = entity.isSecure() && isVerifiedTls(entity.socket);
        if (entity.isSecure() && !secure) throw new HeraldError("TLS_UNVERIFIED", "the TLS connection was not verified; refusing to log in");
        const service = this.service;
        const loopback = isLoopbackService(service);
        // Refuse before any credential leaves this process (Herald standard: TLS off loopback).
        if (!secure && !loopback && !options.allowInsecure) {
          throw new HeraldError("TLS_REQUIRED", `${service} offered no TLS; refusing to log in over plaintext (set herald.allowInsecure only if you must)`);
        }
        const mechanism = chooseMechanism(mechanisms, secure, loopback);
        if (!mechanism) throw new HeraldError("NO_SASL_MECHANISM", `no usable SASL mechanism among ${mechanisms.join(", ")}`);
        await authenticate({ username: local, password: options.password }, mechanism, xml("user-agent", { id: "herald" }));
      },
    });
    this.client = c;
    dropDataWithoutParser(c);
    const extraCa = options.tlsCa ? readTlsCa(options.tlsCa) : [];
    const context = trustContext(extraCa);
    const tls = applyTlsPolicy((c as unknown as { transports: Parameters<typeof applyTlsPolicy>[0] }).transports, {
      servername: domain, hasExtraCa: extraCa.length > 0, ...(context ? { secureContext: context } : {}),
      onSocket: (raw) => this.#track(raw),
    });
    c.on("connect", () => {
      const s = c.socket as unknown;
      // A TCP socket may be upgraded by STARTTLS: the upgrade gets this session's trust.
      if (s instanceof NetSocket && !(s instanceof TLSSocket)) { this.#track(s); tls.beforeStarttls(s); }
    });
    if (options.debugStanzas) debug(c, true);
    c.on("error", (e: Error) => {
      const code = (e as HeraldError).code;
      this.log.warn("xmpp", { error: e.message, ...(code ? { code } : {}) });
      if (code === "TLS_REQUIRED" || code === "NO_SASL_MECHANISM" || code === "TLS_UNVERIFIED") void this.stop();
    });
    // No XEP-0198 stream management, even where the server offers it (ejabberd does by default):
    // catch-up reads the node's items after every login instead. @xmpp/client 0.14 gets it wrong:
    // it counts stanzas that arrive in the same read as <enabled/>, so ejabberd closes the stream
    // ("Client acknowledged more stanzas than sent by server") right after most logins, and a
    // resumed stream emits no "online". Hide <sm/> from the features before the client sees them.
    c.prependListener("element", (el: Element) => {
      if (el.is("features", NS_STREAMS)) el.children = el.children.filter((ch) => typeof ch === "string" || !ch.is("sm"));
    });
    c.on("online", (address: { toString(): string }) => {
      this.#online = true;
      this.#attempt = 0;
      c.reconnect.delay = reconnectDelay(0);
      // Bare-JID pubsub events reach only available resources (quirk 8): presence first.
      void c.send(this.#presenceStanza()).catch(() => undefined);
      this.emit("online", address.toString());
    });
    c.on("offline", () => this.#markOffline());
    c.on("disconnect", () => this.#markOffline());
    c.reconnect.on("reconnecting", () => {
      this.#attempt += 1;
      c.reconnect.delay = reconnectDelay(this.#attempt);
      if (addresses.length < 2) return;
      current = (current + 1) % addresses.length;
      c.options.service = addresses[current];
      this.log.info("xmpp-trying", { service: addresses[current] });
    });
    c.reconnect.delay = reconnectDelay(0);
    c.on("stanza", (el: Element) => {
      this.stanzas.in++;
      this.emit("stanza", el);
    });
    c.on("send", (el: Element) => { if (el.name === "message" || el.name === "iq" || el.name === "presence") this.stanzas.out++; });
  }

  get online(): boolean { return this.#online; }

  /** Whether the stream runs over TLS whose certificate was verified. */
  get secure(): boolean { return isVerifiedTls(this.client.socket); }

  /** The address in use now (or tried next). */
  get service(): string { return this.client.options.service as string; }

  /** Resolves once logged in. If the server is unreachable it rejects, and keeps trying in the background. */
  async start(): Promise<void> {
    // @xmpp/connection 0.14's start() waits for "online" with a promise made before the stream is
    // opened; when opening fails (a restarting server resets the connection: ECONNRESET), that
    // promise rejects with no handler and Node ends the process (found by npm run chaos: Prosody
    // restarted while an agent started). The same steps, with that wait handled.
    const c = this.client as unknown as OpenableClient;
    if (c.status !== "offline") throw new Error("Connection is not offline");
    let settle = (): void => undefined;
    const online = new Promise<void>((resolve, reject) => {
      const ok = () => { settle(); resolve(); };
      const fail = (e: Error) => { settle(); reject(e); };
      settle = () => { c.off("online", ok); c.off("error", fail); };
      c.on("online", ok);
      c.on("error", fail);
    });
    online.catch(() => undefined); // awaited below; when connect or open throws first, that error is the one reported
    const { service, domain, lang } = c.options;
    try {
      await c.connect(service);
      await c.open({ domain, lang });
    } catch (e) {
      settle();
      throw e;
    }
    await online;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.client.reconnect.stop();
    const polite = (async () => {
      if (this.#online) await this.client.send(xml("presence", { type: "unavailable" })).catch(() => undefined);
      await this.client.stop().catch(() => undefined);
    })();
    // A server that accepts but never answers would hold the stream close forever: give the
    // polite goodbye two seconds, then drop the socket.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([polite, new Promise<void>((r) => { timer = setTimeout(r, 2000); })]);
    clearTimeout(timer);
    // @xmpp/client detaches a socket it could not close politely but leaves it open (and its TLS
    // wrapper has no destroy): a silent server would keep this process alive.
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    this.#markOffline();
  }

  #track(raw: NetSocket): void {
    // Nagle's algorithm adds ~40 ms stalls per stanza on loopback (quirk 10); the raw socket, since
    // @xmpp/tls's wrapper has no setNoDelay.
    raw.setNoDelay(true);
    this.#sockets.add(raw);
    raw.once("close", () => this.#sockets.delete(raw));
  }

  request(iq: Element, timeoutMs?: number): Promise<Element> {
    return iqRequest(this.client, iq, timeoutMs);
  }

  send(el: Element): Promise<void> {
    return this.client.send(el);
  }

  /** Presence with a status text (paused, syncing, conflicts); re-sent after every reconnect.
   * The same again is not sent: the server passes each presence on to every peer (RFC 6121 §4.4.2). */
  async setPresence(p: Presence): Promise<void> {
    if (p.show === this.#presence.show && p.status === this.#presence.status) return;
    this.#presence = p;
    if (this.#online) await this.client.send(this.#presenceStanza()).catch(() => undefined);
  }

  #presenceStanza(): Element {
    const children = [];
    if (this.#presence.show) children.push(xml("show", {}, this.#presence.show));
    if (this.#presence.status) children.push(xml("status", {}, this.#presence.status));
    return xml("presence", {}, ...children);
  }

  #markOffline(): void {
    if (!this.#online) return;
    this.#online = false;
    this.emit("offline");
  }
}

export function splitJid(jid: string): [local: string, domain: string] {
  const m = /^([^@/\s]+)@([^@/\s]+)(?:\/.*)?$/.exec(jid);
  if (!m) throw new HeraldError("BAD_JID", `not a JID of the form user@domain: ${JSON.stringify(jid)}`);
  return [m[1]!, m[2]!];
}

/** What Session.start uses of @xmpp/connection (its types do not declare these). */
interface OpenableClient {
  status: string;
  options: { service: string; domain: string; lang?: string };
  connect(service: string): Promise<void>;
  open(o: { domain: string; lang?: string }): Promise<void>;
  on(event: string, f: (...a: never[]) => void): void;
  off(event: string, f: (...a: never[]) => void): void;
}
