// Signing this clone's commits (issue: verified history). Peers with herald.verify=signed merge
// only commits signed by a key in their allowed signers file, so `herald init` offers to sign at a
// terminal, or takes --signing-key: git's own ssh signing (gpg.format ssh, user.signingKey,
// commit.gpgSign), written to the clone's config, so the user's commits and Herald's autocommits
// (a plain `git commit` in the clone) are both signed.
import { access, constants, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { keyFiles, type AgentConfig, type GitRepo } from "@herald/agent";
import { CliError } from "../cli-error.js";
import type { Prompter } from "./prompt.js";

const TRUE = /^(true|yes|on|1)$/i;
/** The public key types ssh-keygen -Y sign takes (ssh-keygen(1), "-t"). */
const PUBLIC_KEY = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+/;

/** Whether git in this clone already signs its commits (its own config or the user's). */
export async function signs(repo: GitRepo): Promise<{ key: string } | null> {
  const [key, sign] = await Promise.all(["user.signingKey", "commit.gpgSign"].map((k) => repo.config(k)));
  return key && TRUE.test(sign ?? "") ? { key } : null;
}

/**
 * The public key file to sign with, checked: absolute, readable, one ssh public key. The path
 * reaches git config only (never argv), and a bad one would make every commit in the clone fail.
 */
export async function checkSigningKey(file: string): Promise<string> {
  const path = resolve(file);
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`--signing-key: cannot read ${path}: ${e.code ?? e.message}`);
  });
  if (!PUBLIC_KEY.test(text.trim())) throw new CliError(`--signing-key: ${path} is not an ssh public key (expected a line such as: ssh-ed25519 AAAA… you@host; the .pub file ssh-keygen wrote)`);
  return path;
}

/** The user's first ssh public key, as ssh-keygen names them (undefined: none). */
async function defaultKey(): Promise<string | undefined> {
  for (const name of ["id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"]) {
    const p = join(homedir(), ".ssh", name);
    if (await access(p, constants.R_OK).then(() => true, () => false)) return p;
  }
  return undefined;
}

/** At a terminal, when the clone does not sign yet: offer to. The key file chosen, or undefined. */
export async function offerSigning(p: Prompter, repo: GitRepo): Promise<string | undefined> {
  if (await signs(repo)) return undefined;
  const dflt = await defaultKey();
  const question = "Sign this clone's commits with an ssh key? Clones with herald.verify=signed merge only signed commits.";
  for (;;) {
    const a = await p.ask(dflt ? `${question} Key file, or "no"` : `${question} Key file (ssh-keygen -t ed25519 makes one), or Enter for no`, dflt ?? "no");
    if (!a || /^(n|no)$/i.test(a)) return undefined;
    try {
      return await checkSigningKey(a.replace(/^~(?=\/)/, homedir()));
    } catch (e) {
      process.stderr.write(`${(e as Error).message.replace(/^--signing-key: /, "")}\n`);
    }
  }
}

/** The `git config` commands that make git sign every commit in the clone with `key`. */
export function signingCommands(key: string): string[][] {
  return [["config", "gpg.format", "ssh"], ["config", "user.signingKey", key], ["config", "commit.gpgSign", "true"]];
}

/** What init prints about signing: how it is set up, or (with verify=signed) how to set it up. */
export async function signingHint(repo: GitRepo, config: AgentConfig, quotedDir: string): Promise<string[]> {
  const signing = await signs(repo);
  if (signing) {
    const line = `commits here are signed with ${signing.key}`;
    if (config.verify.mode !== "signed") return [`${line}; add it to the allowed signers file of every clone that sets herald.verify=signed`];
    return [`${line}; peers' commits are merged only when signed by a key in ${keyFiles(config.verify)}`];
  }
  if (config.verify.mode !== "signed") return [];
  return [
    "herald.verify is signed: commits are merged only when signed by an allowed key, and this clone does not sign its own yet; to sign them:",
    `  herald init --repo ${quotedDir} --signing-key ~/.ssh/id_ed25519.pub`,
    "  or for every repository:",
    "  git config --global gpg.format ssh",
    "  git config --global user.signingKey ~/.ssh/id_ed25519.pub",
    "  git config --global commit.gpgSign true",
    `  and add that key to ${config.verify.allowedSigners ?? "an allowed signers file (herald.allowedSigners)"} on every machine`,
  ];
}
