// The clone's state for people (herald status, the chat reply, presence, the dashboard): HEAD,
// and per remote how far ahead and behind it is, read from what is known without a network call.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GitRepo } from "../git/repo.js";
import { RefFiles } from "../git/ref-files.js";
import type { AgentStatus, ContentStatus } from "../status.js";
import type { BlockedMerge } from "../sync/blocking-files.js";
import type { ConflictStore } from "../sync/conflict-store.js";
import type { Pusher } from "../sync/pusher.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import type { RetryQueue } from "../sync/retry-queue.js";
import type { SignalingStats } from "../xmpp/repo-channel.js";
import type { Refusal } from "../verify/verify-policy.js";

export interface StatusSources {
  repo: GitRepo;
  node: string;
  remotes: ResolvedRemote[];
  /** What is wrong with how a remote's node is known (sync/node-warnings.ts). */
  warning?: (r: ResolvedRemote) => string | undefined;
  pusher: Pusher;
  retries: RetryQueue;
  conflicts: ConflictStore;
  paused: boolean;
  xmpp: SignalingStats | null;
  content?: ContentStatus | undefined;
  /** The merge held back and the HEAD it was to move from: said only while HEAD is still there. */
  blocked: (BlockedMerge & { from: string }) | null;
  /** Peers' tips herald.verify keeps out (verify/verifier.ts). */
  refused?: Refusal[];
}

export async function repoStatus(s: StatusSources): Promise<AgentStatus> {
  const { repo } = s;
  // HEAD and the tracking refs are read once, not once per remote.
  const [{ branch, sha: head }, conflicts, known] = await Promise.all([repo.headState(), s.conflicts.list(), repo.refs("refs/remotes/")]);
  // HEAD's own commit unreadable: the object store is damaged, and every merge and push will fail.
  const damaged = head !== null && !(await repo.hasCommit(head));
  return {
    ...(damaged ? { error: `HEAD's commit ${head.slice(0, 10)} cannot be read: the object store is damaged (git fsck says more)` } : {}),
    node: s.node, repo: repo.dir, branch, head, paused: s.paused, ...(s.blocked && s.blocked.from === head ? { blocked: { sha: s.blocked.sha, files: s.blocked.files } } : {}),
    remotes: await Promise.all(s.remotes.map(async (r) => {
      const warning = s.warning?.(r);
      const quiet = repo.calls.quiet(r.name, Date.now());
      return { name: r.name, kind: r.kind, ...(r.node ? { node: r.node } : {}), ...(r.unserved ? { unserved: true as const } : {}), ...(warning ? { warning } : {}), ...(quiet ? { stalled: { command: quiet.command, since: quiet.lastOutput } } : {}), ...(await aheadBehind(s, r, branch, head, known)) };
    })),
    retries: s.retries,
    conflicts: openConflicts(repo, conflicts),
    xmpp: s.xmpp ? { ...s.xmpp } : null,
    ...(s.content ? { content: s.content } : {}),
    ...(s.refused?.length ? { refused: s.refused.map((r) => ({ ...r })) } : {}),
  };
}

/** Conflicts still open: not marked resolved, and some variant file still in the tree (another
 * clone may have settled it; its commit removed the variants here too). */
export function openConflicts(repo: Pick<GitRepo, "dir">, conflicts: Awaited<ReturnType<ConflictStore["list"]>>): number {
  return conflicts.filter((c) => !c.resolved && c.variants.some((v) => v.file !== c.path && existsSync(join(repo.dir, v.file)))).length;
}

/** Commits HEAD has that the remote's last known state lacks, and the other way round. */
async function aheadBehind(s: StatusSources, r: ResolvedRemote, branch: string | null, head: string | null, known: Map<string, string>): Promise<{ ahead?: number; behind?: number }> {
  if (!branch || !head) return {};
  // What this remote last took from us is the surest sign of "in sync", unless a merge is held
  // back: then some remote has commits we lack, and its own ref says which (never "in sync").
  const held = s.blocked !== null && s.blocked.from === head;
  if (!held && s.pusher.lastPushed(r.name) === head) return { ahead: 0, behind: 0 };
  const short = branch.slice("refs/heads/".length);
  // A bare repository on a local path (a drive, a server's directory) is read as it is now:
  // another clone may have fed it (the plan routes pushes), and our tracking ref is then stale.
  const there = r.kind === "bare" && r.path ? await new RefFiles(r.path).resolve(branch).catch(() => undefined) : undefined;
  const ref = [r.node && `refs/remotes/${r.node}/${short}`, `refs/remotes/${r.name}/${short}`].find((x) => x && known.has(x));
  const theirs = there && (await s.repo.hasCommit(there)) ? there : ref ? known.get(ref) : undefined;
  if (!theirs) return {};
  if (theirs === head) return { ahead: 0, behind: 0 };
  const out = await s.repo.tryRun(["rev-list", "--left-right", "--count", `${head}...${theirs}`]);
  const [ahead, behind] = (out ?? "").trim().split(/\s+/).map(Number);
  return Number.isFinite(ahead) && Number.isFinite(behind) ? { ahead: ahead!, behind: behind! } : {};
}
