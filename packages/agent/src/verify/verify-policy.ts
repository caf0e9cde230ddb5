// Pure: the trust policy for what peers bring (herald.verify, herald.allowedSigners). A commit
// from a peer is merged only when every new user commit in it carries a good ssh signature by a
// key in the allowed signers file, and every new Herald merge is the very commit Herald computes
// from its parents (merge-commit.ts: a merge is a function of its parents, so it needs no
// signature: any node can make it again and compare ids).
import { isAbsolute } from "node:path";
import { ConfigError } from "../errors.js";
import { isHeraldMerge } from "../git/merge-commit.js";

export type VerifyMode = "off" | "signed";

export interface VerifySettings {
  mode: VerifyMode;
  /** ssh keys: git's gpg.ssh.allowedSignersFile format */
  allowedSigners?: string;
  /** OpenPGP keys: a file of `gpg --export --armor` output (openpgp-keys.ts) */
  allowedOpenpgpKeys?: string;
  /** ssh signatures may be checked in this process (sshsig.ts): git's check would run plain
   * ssh-keygen with no revocation file (gpg.ssh.program and gpg.ssh.revocationFile unset). */
  sshInProcess?: boolean;
}

/** Why a commit is not merged (the names `herald status --json`, the log and hooks carry). */
export type RefusalReason = "unsigned" | "unknown-key" | "bad-signature" | "merge-does-not-recompute";

export interface Refusal {
  /** the peer's ref, left where it is (refs/remotes/<x>/<branch>) */
  ref: string;
  /** what that ref holds */
  tip: string;
  /** the oldest commit in it that fails, and who wrote it ("Name <email>") */
  commit: string;
  author: string;
  reason: RefusalReason;
  detail: string;
  /** how many of the tip's new commits fail */
  failing: number;
}

// The path reaches git's argv as `-c gpg.ssh.allowedSignersFile=<path>`: absolute, one line, and
// no control characters, so it can only ever name a file.
const CONTROL = /[\0-\x1f\x7f]/;

/** `verify`, `allowedSigners` and `allowedOpenpgpKeys` as git config holds them (undefined: unset). */
export function parseVerifySettings(verify: string | undefined, allowedSigners: string | undefined, allowedOpenpgpKeys?: string, gitSsh: { program?: string; revocationFile?: string } = {}): VerifySettings {
  const mode = (verify ?? "off").trim().toLowerCase();
  if (mode !== "off" && mode !== "signed") throw new ConfigError("herald.verify", `expected off or signed, got ${JSON.stringify(verify)}`);
  if (allowedSigners !== undefined && (!isAbsolute(allowedSigners) || CONTROL.test(allowedSigners))) {
    throw new ConfigError("herald.allowedSigners", `expected an absolute path to an allowed signers file (git's gpg.ssh.allowedSignersFile format), got ${JSON.stringify(allowedSigners)}`);
  }
  if (allowedOpenpgpKeys !== undefined && (!isAbsolute(allowedOpenpgpKeys) || CONTROL.test(allowedOpenpgpKeys))) {
    throw new ConfigError("herald.allowedOpenpgpKeys", `expected an absolute path to a file of OpenPGP public keys (gpg --export --armor), got ${JSON.stringify(allowedOpenpgpKeys)}`);
  }
  if (mode === "signed" && allowedSigners === undefined && allowedOpenpgpKeys === undefined) {
    throw new ConfigError("herald.allowedSigners", "herald.verify is signed but no allowed signers file is set: set herald.allowedSigners to an absolute path (lines like: alice@example.org ssh-ed25519 AAAA…), or herald.allowedOpenpgpKeys for OpenPGP keys");
  }
  const sshInProcess = (gitSsh.program === undefined || gitSsh.program === "ssh-keygen") && gitSsh.revocationFile === undefined;
  return { mode, ...(allowedSigners !== undefined ? { allowedSigners } : {}), ...(allowedOpenpgpKeys !== undefined ? { allowedOpenpgpKeys } : {}), sshInProcess };
}

/** The files a verdict depends on (the allowed signers file, then the OpenPGP keys). */
export function keyFileList(s: VerifySettings): string[] {
  return [s.allowedSigners, s.allowedOpenpgpKeys].filter((f): f is string => f !== undefined);
}

/** The same, for people: "/a/allowed_signers and /a/keys.asc". */
export function keyFiles(s: VerifySettings): string {
  return keyFileList(s).join(" and ");
}

/** One commit of `git log --format=` LOG_FORMAT. */
export interface LoggedCommit { sha: string; status: string; key: string; author: string; email: string; parents: string[] }

/** %G? (signature status), %GK (the key: an ssh fingerprint is "SHA256:…"), author, parents. */
export const LOG_FORMAT = "%H%x00%G?%x00%GK%x00%an <%ae>%x00%ae%x00%P%x00";

export function parseLog(out: string): LoggedCommit[] {
  const f = out.split("\0");
  const commits: LoggedCommit[] = [];
  for (let i = 0; i + 5 < f.length; i += 6) {
    commits.push({ sha: f[i]!.trim(), status: f[i + 1]!, key: f[i + 2]!, author: f[i + 3]!, email: f[i + 4]!, parents: f[i + 5]!.split(" ").filter(Boolean) });
  }
  return commits;
}

/** A commit that says it is Herald's merge: it must then be one, recomputed from its parents. */
export function claimsHeraldMerge(c: Pick<LoggedCommit, "email" | "parents">): boolean {
  return isHeraldMerge({ authorEmail: c.email, parents: c.parents });
}

/**
 * Why a user commit's signature does not pass (null: it does), from git's %G? and %GK. `openpgp`:
 * git checked OpenPGP signatures against Herald's own keyring of herald.allowedOpenpgpKeys.
 */
export function signatureRefusal(status: string, key: string, openpgp = false): { reason: RefusalReason; detail: string } | null {
  switch (status) {
    case "G":
      // Good by OpenPGP means "in the keyring gpg read": that is the allowed keys only when it was
      // Herald's own (openpgp-keys.ts), never the user's.
      if (key.startsWith("SHA256:") || openpgp) return null;
      return { reason: "unknown-key", detail: `signed with OpenPGP key ${key}: no herald.allowedOpenpgpKeys is set, and only ssh keys in herald.allowedSigners are trusted` };
    case "N": return { reason: "unsigned", detail: "no signature" };
    case "U": return { reason: "unknown-key", detail: `signed with ${key || "a key"} that is not in herald.allowedSigners` };
    // OpenPGP: gpg has no such key (here: not in herald.allowedOpenpgpKeys); ssh: no signers file.
    case "E": return { reason: "unknown-key", detail: `signed with ${key ? `${key}, ` : ""}which cannot be checked: the key is in no allowed keys file (or the signing program is missing)` };
    case "X": return { reason: "unknown-key", detail: "the signature has expired" };
    case "Y": return { reason: "unknown-key", detail: `signed with ${key || "a key"} that has expired` };
    case "R": return { reason: "bad-signature", detail: `signed with ${key || "a key"} that was revoked` };
    case "B": return { reason: "bad-signature", detail: "the signature does not match the commit (altered after signing)" };
    default: return { reason: "bad-signature", detail: `unexpected signature status ${JSON.stringify(status)}` };
  }
}

/** One line for people: "refs/remotes/a/main: a1b2c3d4e5 by Eve <eve@x>: unsigned (no signature)". */
export function refusalText(r: Refusal): string {
  const more = r.failing > 1 ? `; ${r.failing - 1} more commit${r.failing === 2 ? "" : "s"} in it fail too` : "";
  return `${r.ref} at ${r.tip.slice(0, 10)} not merged: ${r.commit.slice(0, 10)} by ${r.author}: ${r.reason} (${r.detail})${more}`;
}
