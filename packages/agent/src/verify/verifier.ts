// The git side of the trust policy (verify-policy.ts): which incoming tips may be merged. Each
// tip's new commits (those HEAD lacks) are read in one `git log` whose %G? is git's own signature
// check against the allowed signers file, and each new Herald merge is made again from its
// parents (merge-heads.ts) and must come out as the very same commit. A tip that is a plain run
// of commits ahead of HEAD, each signed by a plain Ed25519 line of the file, is passed without a
// process (sshsig.ts, the same check made here); anything else, and every refusal, is git's word.
import { readFile, stat } from "node:fs/promises";
import type { AgentEmitter } from "../agent-events.js";
import { mergeHeads } from "../git/merge-heads.js";
import { openpgpHome } from "./openpgp-keys.js";
import { parseAllowedSigners, splitSignedCommit, sshSignatureGood, type AllowedKeys } from "./sshsig.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { claimsHeraldMerge, keyFileList, LOG_FORMAT, parseLog, refusalText, signatureRefusal, type Refusal, type VerifySettings } from "./verify-policy.js";

export type Verdict = Omit<Refusal, "ref" | "tip"> | null;

/** Whether every commit of `head..tip` is a plain run, each with a signature good here (sshsig.ts). */
async function signedHere(repo: GitRepo, keys: AllowedKeys, tip: string, head: string): Promise<boolean> {
  const run = await repo.linearRun(head, tip).catch(() => null);
  if (!run?.length) return false;
  for (const sha of run) {
    const body = await repo.commitBody(sha).catch(() => null);
    const signed = body && splitSignedCommit(body);
    if (!signed || sshSignatureGood(signed.payload, signed.signature, keys) !== "good") return false;
  }
  return true;
}

/** Why `tip`'s commits that `head` lacks may not be merged; null when they all pass. `keys`: the
 * allowed signers file as read (absent: git checks every commit). */
export async function checkTip(repo: GitRepo, settings: VerifySettings, tip: string, head: string | null, keys?: AllowedKeys): Promise<Verdict> {
  if (keys && head && (await signedHere(repo, keys, tip, head))) return null;
  const unreadable = (await Promise.all(keyFileList(settings).map(async (f) => {
    const why = await stat(f).then((s) => (s.isFile() ? null : "not a file"), (e: NodeJS.ErrnoException) => e.code ?? e.message);
    return why && `the allowed keys file ${f} cannot be read (${why})`;
  }))).find(Boolean);
  let gnupg: string | null = null, keyring: string | null = null;
  if (settings.allowedOpenpgpKeys && !unreadable) {
    gnupg = await openpgpHome(repo.gitDir, settings.allowedOpenpgpKeys).catch((e: Error) => ((keyring = `the allowed keys file ${settings.allowedOpenpgpKeys} cannot be used: ${e.message}`), null));
  }
  const ssh = settings.allowedSigners ? ["-c", `gpg.ssh.allowedSignersFile=${settings.allowedSigners}`] : [];
  const out = await repo.run([...ssh, "log", "--reverse", `--format=${LOG_FORMAT}`, tip, ...(head ? ["--not", head] : []), "--"], gnupg ? { GNUPGHOME: gnupg } : undefined);
  const commits = parseLog(out);
  const merges = commits.filter(claimsHeraldMerge);
  const users = commits.filter((c) => !claimsHeraldMerge(c));
  const missing = unreadable || keyring;
  if (missing && users.length) {
    // Fail closed: without the file nothing can be shown to be signed by an allowed key.
    return { commit: users[0]!.sha, author: users[0]!.author, reason: "unknown-key", detail: missing, failing: users.length };
  }
  const bad = users.map((c) => ({ c, why: signatureRefusal(c.status, c.key, gnupg !== null) })).filter((x) => x.why !== null);
  if (bad.length) return { commit: bad[0]!.c.sha, author: bad[0]!.c.author, ...bad[0]!.why!, failing: bad.length };
  // Merges last: making one again costs a merge-tree, and a bad user commit already decides.
  for (const m of merges) {
    const detail = await recomputeMismatch(repo, m.sha, m.parents);
    if (detail) return { commit: m.sha, author: m.author, reason: "merge-does-not-recompute", detail, failing: 1 };
  }
  return null;
}

/** Why `sha` is not the merge Herald makes of `parents` (null: it is that merge). */
async function recomputeMismatch(repo: GitRepo, sha: string, parents: string[]): Promise<string | null> {
  if (parents.length !== 2) return `Herald merges two parents at a time; this has ${parents.length}`;
  try {
    const made = (await mergeHeads(repo, parents)).commit;
    return made === sha ? null : `Herald's merge of its parents is ${made.slice(0, 10)}, not this commit`;
  } catch (e) {
    return `its parents cannot be merged again: ${(e as Error).message}`;
  }
}

/** What is wrong with the allowed signers file for `herald doctor` (null: it lists at least one key). */
export async function signersFileProblem(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    return `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): every peer's commit would be refused`;
  }
  const keys = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  return keys.length ? null : `${path} lists no key: every peer's commit would be refused`;
}

/** What is wrong with the OpenPGP keys file for `herald doctor` (null: gpg imports a key from it). */
export async function openpgpKeysProblem(gitDir: string, path: string): Promise<string | null> {
  return openpgpHome(gitDir, path).then(() => null, (e: Error) => `${e.message.replace(/^ENOENT.*/, `${path} cannot be read`)}: every OpenPGP-signed commit would be refused`);
}

export interface VerifierDeps { repo: GitRepo; settings: VerifySettings; log: Logger; events: AgentEmitter }

const CACHE = 1024;

/** Keeps the merger to trusted tips, and says what it keeps out (status, log, the `refused` event). */
export class Verifier {
  /** ref → why its tip is not merged, from the last pass */
  #refused = new Map<string, Refusal>();
  /** tip → verdict; commits never change, but the allowed signers file may, so its stamp keys them */
  #verdicts = new Map<string, Verdict>();
  #stamp = "";
  /** the allowed signers file as last read, for the check made here (undefined: git checks all) */
  #keys: AllowedKeys | undefined;

  constructor(private readonly d: VerifierDeps) {}

  get refused(): Refusal[] { return [...this.#refused.values()]; }

  /** The tips among `tips` ([ref, sha]) whose new commits all pass; the others are left where they are. */
  async trusted(tips: Array<[string, string]>, head: string): Promise<Array<[string, string]>> {
    await this.#checkStamp();
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const [ref, tip] of tips) {
      seen.add(ref);
      const verdict = await this.#verdict(tip, head).catch((e: Error) => {
        // Not known to be good is not merged; it is looked at again on the next pass.
        this.d.log.warn("verify-failed", { ref, sha: tip, error: e.message });
        return undefined;
      });
      if (verdict === undefined) continue;
      if (verdict === null) {
        if (this.#refused.delete(ref)) this.d.log.info("refusal-cleared", { ref, sha: tip });
        out.push([ref, tip]);
        continue;
      }
      const was = this.#refused.get(ref);
      const r: Refusal = { ref, tip, ...verdict };
      this.#refused.set(ref, r);
      if (was?.tip === tip && was.commit === r.commit) continue;
      this.d.log.warn("refused", { ref, sha: tip, commit: r.commit, author: r.author, reason: r.reason, detail: r.detail, failing: r.failing, text: refusalText(r) });
      this.d.events.emit("refused", { ref, sha: r.commit, tip, remote: ref.split("/")[2] ?? "", author: r.author, reason: r.reason });
    }
    for (const ref of this.#refused.keys()) if (!seen.has(ref)) this.#refused.delete(ref);
    return out;
  }

  async #verdict(tip: string, head: string): Promise<Verdict> {
    if (tip === head || (await this.d.repo.isAncestor(tip, head))) return null;
    const known = this.#verdicts.get(tip);
    // A refusal holds while HEAD lacks the commit that failed (a person may merge it by hand).
    if (known === null || (known && !(await this.d.repo.isAncestor(known.commit, head)))) return known;
    const v = await checkTip(this.d.repo, this.d.settings, tip, head, this.#keys);
    // A refusal for want of the file itself is not kept: mending the file must take effect.
    if (!v?.detail.startsWith("the allowed keys file")) {
      this.#verdicts.set(tip, v);
      if (this.#verdicts.size > CACHE) this.#verdicts.delete(this.#verdicts.keys().next().value!);
    }
    return v;
  }

  /** Adding or removing a key in an allowed keys file takes effect at the next pass. */
  async #checkStamp(): Promise<void> {
    const stamp = (await Promise.all(keyFileList(this.d.settings).map(async (f) => {
      const s = await stat(f).catch(() => null);
      return s ? `${s.mtimeMs} ${s.size} ${s.ino}` : "";
    }))).join("|");
    if (stamp === this.#stamp) return;
    this.#verdicts.clear();
    this.#stamp = stamp;
    const { allowedSigners, sshInProcess } = this.d.settings;
    const text = allowedSigners && sshInProcess ? await readFile(allowedSigners, "utf8").catch(() => undefined) : undefined;
    this.#keys = text === undefined ? undefined : parseAllowedSigners(text);
  }
}
