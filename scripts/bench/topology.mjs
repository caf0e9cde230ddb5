// Throwaway clones wired as a star (c1 in the middle) or a line (c1–c2–…), commits always made on
// c1 (the origin). "Upstream" is the neighbour one hop closer to c1: what a polling clone pulls
// from, and the only remote a clone keeps in the fetch-only (XMPP-path) variant.
import { git, makeSandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export const names = (n) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

/** [upstream, downstream] pairs. */
export function edges(shape, n) {
  const ns = names(n);
  return shape === "star" ? ns.slice(1).map((c) => ["c1", c]) : ns.slice(1).map((c, i) => [ns[i], c]);
}

export function upstreamOf(shape, n) {
  return Object.fromEntries(edges(shape, n).map(([up, down]) => [down, up]));
}

/**
 * Remove a sandbox; where the removal meets a directory that is not empty (ENOTEMPTY: a
 * git-annex process that outlived the assistant's stop wrote a lock or journal file into it
 * meanwhile), try again for a few seconds, so that a case never leaves its clones behind.
 */
export async function removeSandbox(sb, tries = 20) {
  for (let i = 1; ; i++) {
    try {
      return await sb.cleanup();
    } catch (e) {
      if (i >= tries || !/ENOTEMPTY|EBUSY/.test(String(e.code ?? e.message))) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A sandbox of `n` clones (remotes named after the neighbour, herald.node = name), registered for
 * cleanup. `directed`: downstream remotes removed, so c1 has none and data only moves by fetching.
 */
export async function buildTopology(cleanup, shape, n, { directed = false } = {}) {
  const sb = await makeSandbox(names(n), edges(shape, n));
  const remove = cleanup.add(`sandbox ${sb.root}`, () => removeSandbox(sb));
  cleanup.paths.add(sb.root);
  if (directed) for (const [up, down] of edges(shape, n)) await git(sb.clones[up], "remote", "remove", down);
  return {
    shape, n, sb, clones: sb.clones, origin: sb.clones.c1,
    peers: names(n).slice(1).map((c) => sb.clones[c]),
    upstream: upstreamOf(shape, n),
    dispose: remove,
  };
}

/**
 * XMPP settings per clone, as in packages/agent/test/xmpp-sync.test.ts; a fresh pubsub node per
 * case. Clone cN logs in as cN@domain unless `accounts` names another account for it.
 */
export async function configureXmpp(topo, server, repoId, accounts = {}) {
  const ns = names(topo.n);
  const jid = (c) => `${accounts[c] ?? c}@${server.domain}`;
  for (const c of ns) {
    const dir = topo.clones[c];
    await git(dir, "config", "herald.jid", jid(c));
    await git(dir, "config", "herald.service", server.service);
    await git(dir, "config", "herald.pubsub", server.pubsub);
    await git(dir, "config", "herald.tlsCa", server.caFile);
    await git(dir, "config", "herald.repo", repoId);
    for (const p of ns.filter((m) => m !== c)) await git(dir, "config", "--add", "herald.peer", jid(p));
  }
}

export const label = (shape, n) => (n === 2 ? "pair" : `${shape} ${n}`);

/**
 * Every clone signs its commits with one ssh key (gpg.format ssh, commit.gpgSign) and merges only
 * signed work (herald.verify=signed): what the policy costs per commit (the -verify variant).
 */
export async function signAndVerify(topo) {
  const key = join(topo.sb.root, "signing-key"), signers = join(topo.sb.root, "allowed_signers");
  await promisify(execFile)("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key]);
  await writeFile(signers, `bench@example.org ${(await readFile(`${key}.pub`, "utf8")).trim()}\n`);
  for (const dir of Object.values(topo.clones)) {
    for (const [k, v] of [["gpg.format", "ssh"], ["user.signingKey", key], ["commit.gpgSign", "true"], ["herald.verify", "signed"], ["herald.allowedSigners", signers]]) await git(dir, "config", k, v);
  }
}
