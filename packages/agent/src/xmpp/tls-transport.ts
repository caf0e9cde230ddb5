// How one Session's trust (tls-trust.ts) reaches the TLS handshakes @xmpp/client 0.14 makes. The
// library passes tls.connect only `{socket, host: domain}` (STARTTLS: @xmpp/starttls's upgrade())
// or `{port, host}` (xmpps://: @xmpp/tls's ConnectionTLS), so no option of ours gets there. Both
// paths build the same wrapper class (@xmpp/tls/lib/Socket.js), which calls tls.connect in its
// connect(); that call is where the session's options go in:
// - xmpps://: the session's client gets its own subclass of ConnectionTLS whose Socket is a
//   subclass of the wrapper carrying the options (the client keeps a list of transport classes,
//   and takes the socket class from the one it picks).
// - STARTTLS: the library makes the wrapper itself, so the wrapper's connect() is hooked once; it
//   looks the raw TCP socket it is about to wrap up in a WeakMap each Session fills for its own
//   sockets, and leaves any other socket alone.
// Not a process-wide change to node:tls, nor NODE_EXTRA_CA_CERTS: trust is a setting of a clone or
// a machine (herald.tlsCa), and one daemon may serve clones of several servers.
//
// Node verifies (rejectUnauthorized off only so that the failure can name the certificate the
// server presented); the wrapper is told the socket is up only if Node's verdict was yes.
import type { Socket as NetSocket } from "node:net";
import type { ConnectionOptions, SecureContext, TLSSocket } from "node:tls";
import { certificateFailure } from "./tls-trust.js";

export interface TlsPolicy {
  /** The identity checked (RFC 7590 §3.2: the XMPP domain), also sent as SNI. */
  servername: string;
  /** The system store plus herald.tlsCa; undefined: the system store alone. */
  secureContext?: SecureContext;
  hasExtraCa: boolean;
  /** Every raw socket opened, so that the session can destroy it at the end. */
  onSocket(raw: NetSocket): void;
}

interface Wrapper { socket: TLSSocket | null; connect(o: ConnectionOptions): void }
type WrapperClass = new () => Wrapper;
type Connect = (this: Wrapper, o: ConnectionOptions) => void;
interface TransportClass { prototype: { Socket: WrapperClass; socketParameters(service: string): unknown } }

const originalConnect = new WeakMap<WrapperClass, Connect>();
const starttlsPolicy = new WeakMap<NetSocket, TlsPolicy>();
/** Raw TLS sockets that went through connectVerified and passed. */
const verified = new WeakSet<object>();

function connectVerified(wrapper: Wrapper, connect: Connect, o: ConnectionOptions, policy: TlsPolicy): void {
  connect.call(wrapper, { ...o, servername: policy.servername, ...(policy.secureContext ? { secureContext: policy.secureContext } : {}), rejectUnauthorized: false });
  const raw = wrapper.socket!;
  policy.onSocket(raw);
  // The wrapper's own secureConnect listener announces the connection, and the client then writes
  // the stream header: it runs only once the certificate passed.
  const theirs = raw.listeners("secureConnect") as Array<(...a: unknown[]) => void>;
  raw.removeAllListeners("secureConnect");
  raw.on("secureConnect", () => {
    const failure = certificateFailure(raw, policy.servername, policy.hasExtraCa);
    if (failure) {
      raw.destroy(failure);
      o.socket?.destroy(); // STARTTLS: the TCP connection under it too, so the client sees it closed
      return;
    }
    verified.add(raw);
    for (const l of theirs) l.call(raw);
  });
}

function hookStarttls(W: WrapperClass): Connect {
  const known = originalConnect.get(W);
  if (known) return known;
  const original = W.prototype.connect as Connect;
  originalConnect.set(W, original);
  W.prototype.connect = function (this: Wrapper, o: ConnectionOptions) {
    const policy = o?.socket ? starttlsPolicy.get(o.socket as NetSocket) : undefined;
    if (!policy) return original.call(this, o);
    starttlsPolicy.delete(o.socket as NetSocket);
    connectVerified(this, original, o, policy);
  };
  return original;
}

/** Installs `policy` on a client's transports (xmpps://) and its STARTTLS upgrades. */
export function applyTlsPolicy(transports: TransportClass[], policy: TlsPolicy): { beforeStarttls(tcp: NetSocket): void } {
  const i = transports.findIndex((T) => {
    try { return T.prototype.socketParameters("xmpps://example.org:5223") !== undefined; } catch { return false; }
  });
  if (i < 0) throw new Error("@xmpp/client has no xmpps:// transport (@xmpp/tls)");
  const Base = transports[i] as unknown as new (...a: unknown[]) => object;
  const W = (Base as unknown as TransportClass).prototype.Socket;
  const connect = hookStarttls(W);
  class VerifiedSocket extends (W as new () => Wrapper) {
    override connect(o: ConnectionOptions): void { connectVerified(this, connect, o, policy); }
  }
  class VerifiedTLS extends Base {}
  (VerifiedTLS.prototype as unknown as { Socket: WrapperClass }).Socket = VerifiedSocket;
  transports[i] = VerifiedTLS as unknown as TransportClass;
  return { beforeStarttls: (tcp) => { starttlsPolicy.set(tcp, policy); } };
}

/** Whether the client's socket is TLS that passed connectVerified (credentials go nowhere else). */
export function isVerifiedTls(socket: unknown): boolean {
  const raw = (socket as { socket?: unknown } | null)?.socket;
  return typeof raw === "object" && raw !== null && verified.has(raw);
}
