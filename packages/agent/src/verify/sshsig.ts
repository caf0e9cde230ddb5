// Pure: git's ssh signature check on a commit, done in this process for the common case, so a
// signed commit costs no process. git's own check (gpg-interface.c, verify_ssh_signed_buffer) runs
// `ssh-keygen -Y find-principals` and then `ssh-keygen -Y verify -n git` per signed commit: some
// 80 ms of CPU here, most of what herald.verify=signed cost per commit (issue 30's bench).
//
// This answers "good" only where that check must say G (%G?): an Ed25519 signature (PROTOCOL.sshsig,
// namespace "git") that verifies over the commit without its gpgsig header (commit.c,
// parse_buffer_signed_by_header), by a key whose every line in the allowed signers file is the
// plain form `principal ssh-ed25519 AAAA… [comment]`. Anything else (another key type, options such
// as namespaces= or valid-before=, certificates, a revocation file, a bad or odd signature) is
// "ask-git": git's own check decides, and says why it refuses.
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";

export type FastAnswer = "good" | "ask-git";

const BEGIN = "-----BEGIN SSH SIGNATURE-----";
const END = "-----END SSH SIGNATURE-----";
const ED25519 = "ssh-ed25519";

/** The commit without its signature, and the signature, as git splits them; null when the
 * commit is unsigned or signed in a way only git should judge (several or other gpgsig headers). */
export function splitSignedCommit(body: Buffer): { payload: Buffer; signature: string } | null {
  const end = body.indexOf("\n\n");
  const headerEnd = end < 0 ? body.length : end + 1;
  const lines = body.subarray(0, headerEnd).toString("latin1").split(/(?<=\n)/);
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false, blocks = 0;
  for (const line of lines) {
    if (inSig && line.startsWith(" ")) { sig.push(line.slice(1)); continue; }
    inSig = false;
    if (line.startsWith("gpgsig ")) { sig.push(line.slice(7)); inSig = true; blocks++; continue; }
    if (line.startsWith("gpgsig")) return null; // gpgsig-sha256 or another: git's rules
    kept.push(line);
  }
  if (blocks !== 1) return null;
  return { payload: Buffer.concat([Buffer.from(kept.join(""), "latin1"), body.subarray(headerEnd)]), signature: sig.join("") };
}

/** The Ed25519 keys git's check would accept for namespace "git", by their wire blob (base64);
 * `unsure`: blobs some line names in a form only ssh-keygen should judge. */
export interface AllowedKeys { plain: Map<string, KeyObject>; unsure: Set<string> }

/** Reads an allowed signers file (ssh-keygen(1), ALLOWED SIGNERS). */
export function parseAllowedSigners(text: string): AllowedKeys {
  const keys: AllowedKeys = { plain: new Map(), unsure: new Set() };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const f = line.split(/\s+/);
    // The plain form: one principal with no pattern or quoting, the key type, the key.
    const simple = f.length >= 3 && f[1] === ED25519 && /^[^\s,"*?!]+$/.test(f[0]!);
    // Any base64 word on the line may be a key: a form not understood here makes it unsure.
    const blob = simple ? f[2]! : null;
    if (blob && !keys.unsure.has(blob)) {
      const k = ed25519Key(Buffer.from(blob, "base64"));
      if (k) { keys.plain.set(blob, k); continue; }
    }
    for (const w of f) if (/^AAAA[A-Za-z0-9+/=]+$/.test(w)) { keys.unsure.add(w); keys.plain.delete(w); }
  }
  return keys;
}

/** Whether git's ssh check says G for this signature over `payload`, as far as it can be told here. */
export function sshSignatureGood(payload: Buffer, armored: string, keys: AllowedKeys): FastAnswer {
  const blob = dearmor(armored);
  if (!blob) return "ask-git";
  const r = new WireReader(blob);
  if (r.bytes(6).toString("latin1") !== "SSHSIG" || r.u32() !== 1) return "ask-git";
  const publicKey = r.string(), namespace = r.string(), reserved = r.string(), hashAlg = r.string().toString("latin1");
  const sigField = new WireReader(r.string());
  if (!r.done || r.failed) return "ask-git";
  const sigType = sigField.string().toString("latin1"), sig = sigField.string();
  if (!sigField.done || sigField.failed || sigType !== ED25519 || sig.length !== 64) return "ask-git";
  if (namespace.toString("latin1") !== "git" || reserved.length !== 0) return "ask-git";
  if (hashAlg !== "sha256" && hashAlg !== "sha512") return "ask-git";
  const id = publicKey.toString("base64");
  const key = keys.unsure.has(id) ? undefined : keys.plain.get(id);
  if (!key) return "ask-git";
  // PROTOCOL.sshsig: what is signed is the preamble, namespace, reserved, hash algorithm and hash.
  const signed = Buffer.concat([Buffer.from("SSHSIG"), wire(namespace), wire(Buffer.alloc(0)), wire(Buffer.from(hashAlg)), wire(createHash(hashAlg).update(payload).digest())]);
  return verify(null, signed, key, sig) ? "good" : "ask-git";
}

function dearmor(text: string): Buffer | null {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (lines.length < 3 || lines[0] !== BEGIN || lines[lines.length - 1] !== END) return null;
  const body = lines.slice(1, -1).join("");
  return /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, "base64") : null;
}

/** An Ed25519 public key from its ssh wire blob (string "ssh-ed25519", string 32 bytes). */
function ed25519Key(blob: Buffer): KeyObject | null {
  const r = new WireReader(blob);
  const type = r.string().toString("latin1"), raw = r.string();
  if (r.failed || !r.done || type !== ED25519 || raw.length !== 32) return null;
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

function wire(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** RFC 4251 §5 uint32 and string fields; a short read sets `failed` instead of throwing. */
class WireReader {
  #at = 0;
  failed = false;
  constructor(private readonly b: Buffer) {}
  get done(): boolean { return this.#at === this.b.length; }
  bytes(n: number): Buffer {
    if (this.#at + n > this.b.length) { this.failed = true; return Buffer.alloc(0); }
    this.#at += n;
    return this.b.subarray(this.#at - n, this.#at);
  }
  u32(): number {
    const x = this.bytes(4);
    return x.length === 4 ? x.readUInt32BE(0) : -1;
  }
  string(): Buffer {
    const n = this.u32();
    return n < 0 ? Buffer.alloc(0) : this.bytes(n);
  }
}
