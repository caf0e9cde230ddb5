// A clone Herald serves says who it is where `git ls-remote` sees it: the ref
// refs/herald/node/<node id> in its own repository, pointing at the root commit (an object every
// clone of the history has, so the ref costs nothing and carries nothing). Other clones learn a
// remote's node from it, over whatever transport the remote already uses, instead of the user
// typing remote.<name>.herald-node. Normal refspecs (refs/heads/*, refs/remotes/*) never fetch
// or push it.
import { isNodeId } from "@herald/protocol";
import type { AgentEmitter } from "../agent-events.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { runGit } from "../git/run-git.js";
import { causeLines } from "../git/stderr-cause.js";

export const ADVERT_PREFIX = "refs/herald/node/";

/** Pure: the node ids in `git ls-remote`/`for-each-ref` output ("<sha>\t<ref>" or "<sha> <ref>"). */
export function parseAdvertised(out: string): string[] {
  const ids = new Set<string>();
  for (const line of out.split("\n")) {
    const ref = line.trim().split(/\s+/)[1] ?? "";
    const id = ref.startsWith(ADVERT_PREFIX) ? ref.slice(ADVERT_PREFIX.length) : "";
    if (isNodeId(id)) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * Write this clone's advertisement (and remove any other node's: herald.node changed, or the clone
 * was copied). Nothing to point at before the first commit: then it is written at a later start.
 * Returns whether the clone now advertises `node`.
 */
export async function advertiseNode(repo: GitRepo, node: string): Promise<boolean> {
  if (!isNodeId(node)) return false;
  const ref = `${ADVERT_PREFIX}${node}`;
  const have = await repo.refs(ADVERT_PREFIX);
  const stale = [...have.keys()].filter((r) => r !== ref);
  // Already said: no history walk at every start (finding the root reads every commit).
  if (have.has(ref) && stale.length === 0) return true;
  const root = await repo.rootCommit();
  if (!root) return false;
  // One transaction: the new name appears as the old ones go. Refs under refs/herald/ are
  // Herald's own; deleting them touches no one's history.
  const input = [`update ${ref} ${root}`, ...stale.map((r) => `delete ${r}`)].join("\n") + "\n";
  return (await repo.exec(["update-ref", "--stdin"], undefined, input)).code === 0;
}

/** Advertise now; with no commit to point at yet, at the first one (made here or merged in). */
export async function advertiseNodeNowOrAtFirstCommit(repo: GitRepo, node: string, events: AgentEmitter, log: Logger): Promise<void> {
  if (await advertiseNode(repo, node).catch(() => false)) return;
  log.debug("node-not-advertised", { node, why: "no commit yet, or the ref could not be written" });
  const again = () => void advertiseNode(repo, node).then((done) => {
    if (!done) return;
    events.off("commit", again);
    events.off("merged", again);
  }, () => undefined);
  events.on("commit", again);
  events.on("merged", again);
}

/** The node ids a clone on a local path advertises ([] for none); null when it cannot be read. */
export async function localAdvertised(path: string): Promise<string[] | null> {
  const r = await runGit(path, ["for-each-ref", "--format=%(objectname) %(refname)", ADVERT_PREFIX]).catch(() => null);
  return r && r.code === 0 ? parseAdvertised(r.stdout) : null;
}

// The question goes the way the pushes go (the user's ssh settings, core.sshCommand included),
// but must fail rather than wait for a password nobody types: no terminal prompt, and git runs in
// a session of its own (run-git.ts, with a deadline) where ssh has no terminal to ask on.
const NO_PROMPT = { GIT_TERMINAL_PROMPT: "0" };

/** How long the question may take before the remote counts as not answering (and is asked again
 * when a push to it is tried). */
export const ASK_REMOTE_MS = 10_000;

/** What the repository behind a configured remote advertises, asked over its own transport (one
 * `git ls-remote`), or why it did not answer (ssh's and git's words: stderr-cause.ts). */
export async function askRemote(cwd: string, remote: string, timeoutMs = ASK_REMOTE_MS, env: Record<string, string> = {}): Promise<{ advertised: string[] } | { error: string }> {
  const r = await runGit(cwd, ["ls-remote", "--", remote, `${ADVERT_PREFIX}*`], { env: { ...NO_PROMPT, ...env }, timeoutMs }).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
  if (r.code === 0) return { advertised: parseAdvertised(r.stdout) };
  return { error: causeLines(r.stderr).join(" / ") || `git ls-remote exited with ${r.code}` };
}
