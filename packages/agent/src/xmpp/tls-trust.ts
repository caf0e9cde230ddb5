// Which certificates an XMPP server may present: the system store plus herald.tlsCa (a PEM file of
// CA certificates, for a server whose certificate a private CA signed), and a failure that says in
// one line what the server presented and how to fix it. Verification is Node's own (OpenSSL's chain
// check, then tls.checkServerIdentity); nothing here ever accepts a certificate Node would refuse.
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { isAbsolute } from "node:path";
import { createSecureContext, rootCertificates, type PeerCertificate, type SecureContext, type TLSSocket } from "node:tls";
import { ConfigError, HeraldError } from "../errors.js";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates in a PEM file; a ConfigError (naming `key`) if it is unreadable or holds none. */
export function readTlsCa(file: string, key = "herald.tlsCa"): string[] {
  if (!isAbsolute(file)) throw new ConfigError(key, `expected an absolute path to a PEM file, got ${JSON.stringify(file)}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(key, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const certs = text.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new ConfigError(key, `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const pem of certs) {
    try {
      new X509Certificate(pem);
    } catch (e) {
      throw new ConfigError(key, `${file} holds a certificate that does not parse: ${(e as Error).message}`);
    }
  }
  return certs;
}

/** NODE_EXTRA_CA_CERTS, which Node adds to its default store but not to tls.rootCertificates (an
 * unreadable file: none, as Node itself only warns). */
function envCertificates(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return readFileSync(file, "utf8").match(PEM_CERT) ?? [];
  } catch {
    return [];
  }
}

/**
 * One secure context per set of extra CAs (made once: building one from the ~140 system roots
 * costs a few milliseconds, and a daemon reconnects). `ca` replaces Node's default store, so the
 * system roots (and NODE_EXTRA_CA_CERTS) are passed along with the extra ones.
 */
const contexts = new Map<string, SecureContext>();
export function trustContext(extra: readonly string[]): SecureContext | undefined {
  if (extra.length === 0) return undefined; // Node's default store
  const key = extra.join("\n");
  let ctx = contexts.get(key);
  if (!ctx) contexts.set(key, (ctx = createSecureContext({ ca: [...rootCertificates, ...envCertificates(), ...extra] })));
  return ctx;
}

function names(c: PeerCertificate): string {
  const cn = c.subject?.CN ? `CN=${c.subject.CN}` : "no CN";
  return c.subjectaltname ? `${cn} (${c.subjectaltname})` : cn;
}

function issuer(c: PeerCertificate): string {
  const i = c.issuer ?? {};
  return [i.CN && `CN=${i.CN}`, i.O && `O=${i.O}`].filter(Boolean).join(", ") || "an unnamed issuer";
}

/**
 * Why `socket` (handshake done, verified by Node with rejectUnauthorized off) must not be used,
 * or null if Node would have accepted it. `socket.authorized` is exactly Node's verdict: the chain
 * against the trusted CAs and, if that passed, checkServerIdentity for `servername`.
 */
export function certificateFailure(socket: TLSSocket, servername: string, hasExtraCa: boolean): HeraldError | null {
  if (socket.authorized) return null;
  const code = String(socket.authorizationError ?? "unknown");
  const cert = socket.getPeerCertificate();
  const what = cert && Object.keys(cert).length ? `the server's certificate ${names(cert)}, issued by ${issuer(cert)},` : "the server's certificate";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new HeraldError("TLS_CERT_NAME", `${what} does not name ${servername} (herald.jid's domain): give the server a certificate for ${servername}, or correct herald.jid and herald.service if this is not its server`, { code, servername });
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return new HeraldError("TLS_CERT_DATES", `${what} is not valid now (${code}): renew it on the server, or check this machine's clock`, { code, servername });
  }
  const fix = hasExtraCa
    ? "herald.tlsCa does not hold the CA that signed it: point herald.tlsCa (herald init --tls-ca FILE) at that CA's certificate"
    : "trust the CA that signed it: herald.tlsCa FILE (herald init --tls-ca FILE)";
  return new HeraldError("TLS_CERT_UNTRUSTED", `${what} does not verify (${code}): ${fix}`, { code, servername });
}
