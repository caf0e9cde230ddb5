// The agent's state for people: `herald status`, the chat `status` reply and the presence text.
import type { BlockedMerge } from "./sync/blocking-files.js";
import type { RetryEntry, RetryQueue } from "./sync/retry-queue.js";
import type { SignalingStats } from "./xmpp/repo-channel.js";
import { refusalText, type Refusal } from "./verify/verify-policy.js";

export interface AgentStatus {
  node: string;
  repo: string;
  branch: string | null;
  head: string | null;
  paused: boolean;
  /** `unserved`: a non-bare clone no Herald serves; `warning`: what is wrong with how its node is
   * known (a herald-node naming no node, a node never heard from: sync/node-warnings.ts) */
  remotes: Array<{ name: string; kind: string; node?: string; unserved?: true; warning?: string; ahead?: number; behind?: number; stalled?: Stalled }>;
  retries: RetryQueue;
  conflicts: number;
  xmpp: SignalingStats | null;
  /** git-annex content (annexed clones only): what is still to move, per remote. */
  content?: ContentStatus;
  /** Why HEAD cannot move: the user's uncommitted changes in files the pending merge changes. */
  blocked?: BlockedMerge;
  /** Why this repository is not syncing (gone, would not start, not answering, damaged). */
  error?: string;
  /** Peers' tips not merged because herald.verify refuses a commit in them (the refs stay). */
  refused?: Refusal[];
}

export interface ContentStatus {
  /** keys with a transfer not yet done, and the bytes still to move for them */
  keys: number;
  bytes: number;
  /** per remote: keys wanted there and missing there, bytes still to send (or get) */
  remotes: Record<string, { keys: number; bytes: number }>;
  running: number;
  failing: number;
  /** keys a commit brought whose content has not arrived here yet */
  waiting: number;
  paused: boolean;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** Pure: the content in one line ("content: 2 keys, 55.0 MiB to move (cloud 1, b 1); 1 failing"). */
export function contentText(c: ContentStatus): string {
  if (!c.keys && !c.waiting) return `content: all transferred${c.paused ? " (transfers PAUSED)" : ""}`;
  const per = Object.entries(c.remotes).map(([r, x]) => `${r} ${x.keys}`).join(", ");
  const parts = [`${c.keys} key${c.keys === 1 ? "" : "s"}, ${mb(c.bytes)} to move${per ? ` (${per})` : ""}`];
  if (c.running) parts.push(`${c.running} running`);
  if (c.failing) parts.push(`${c.failing} failing (herald transfers)`);
  if (c.waiting) parts.push(`${c.waiting} awaited here`);
  if (c.paused) parts.push("transfers PAUSED");
  return `content: ${parts.join("; ")}`;
}

/** Pure: why this clone cannot move, in one line (herald status, the daemon's list). */
export function blockedText(b: BlockedMerge): string {
  const files = b.files.length > 3 ? `${b.files.slice(0, 3).join(", ")} and ${b.files.length - 3} more` : b.files.join(", ");
  return `cannot merge ${b.sha.slice(0, 10)}: uncommitted changes in ${files || "files it changes"}; commit them (Herald keeps both versions) and this clone syncs again`;
}

/** What status says when the server does not stamp publishers (xmpp/publisher-probe.ts). */
export const IGNORED = "announcements ignored: the server does not stamp publishers (see herald doctor)";

export { refusalText };

/** A network command to the remote running now that has said nothing since `since` (ms; git/network-calls.ts). */
export interface Stalled { command: string; since: number }

/** Pure: "unreachable since 15:51:05: git push has had no answer for 11 s". */
export function stalledText(s: Stalled, now: number): string {
  return `unreachable since ${clock(s.since)}: git ${s.command} has had no answer for ${Math.max(0, Math.round((now - s.since) / 1000))} s`;
}

/** The time of day on this machine, HH:MM:SS. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** Pure: a remote whose pushes fail, in a phrase: "unreachable since 14:02:11: Permission denied
 * (publickey). (next try in 8 s)". A remote that answered and refused is busy, not away. */
export function failureText(e: RetryEntry, now: number): string {
  const cause = e.error.split("\n").find((l) => l.trim()) ?? "no reason given";
  const next = Math.max(0, Math.round((e.nextAt - now) / 1000));
  return `${e.refused ? "push refused" : "unreachable"} since ${clock(e.firstFailure)}: ${cause.trim()} (next try in ${next} s)`;
}

/** Pure: a short human answer (the chat `status` reply). */
export function statusText(s: AgentStatus, now: number): string {
  const lines = [
    `${s.node}: ${s.branch?.replace(/^refs\/heads\//, "") ?? "(no branch)"} at ${s.head?.slice(0, 10) ?? "(no commits)"}${s.paused ? ", PAUSED" : ""}`,
    s.xmpp ? `xmpp: ${s.xmpp.online ? "online" : "offline"}; peers seen: ${s.xmpp.peersSeen.join(", ") || "none yet"}` : "xmpp: off (git-only)",
  ];
  if (s.xmpp?.publisherMissing) lines.push(`xmpp: ${IGNORED}`);
  const retries = Object.entries(s.retries);
  lines.push(...(retries.length ? retries.map(([r, e]) => `remote ${r}: ${failureText(e, now)}`) : ["pending retries: none"]));
  lines.push(`conflicts: ${s.conflicts}${s.conflicts ? " (see herald conflicts)" : ""}`);
  for (const r of s.refused ?? []) lines.push(`REFUSED: ${refusalText(r)}`);
  for (const r of s.remotes) if (r.warning) lines.push(`warning: remote ${r.name}: ${r.warning}`);
  if (s.content) lines.push(contentText(s.content));
  return lines.join("\n");
}

/** Pure: the presence status text (XMPP <status/>). */
export function presenceText(s: Pick<AgentStatus, "paused" | "conflicts" | "head">, syncing: boolean): string {
  if (s.paused) return "paused";
  if (syncing) return "syncing";
  if (s.conflicts) return `${s.conflicts} conflict${s.conflicts === 1 ? "" : "s"} to settle`;
  return `in sync at ${s.head?.slice(0, 7) ?? "(empty)"}`;
}

/** Pure: one repository in one line, for the daemon's list. */
export function statusLine(s: AgentStatus): string {
  if (s.error) return `ERROR: ${s.error}`;
  const parts = [`${s.branch?.replace(/^refs\/heads\//, "") ?? "(detached)"} at ${s.head?.slice(0, 10) ?? "(no commits)"}`];
  if (s.paused) parts.push("PAUSED");
  if (s.blocked) parts.push(`BLOCKED: ${blockedText(s.blocked)}`);
  const known = s.remotes.filter((r) => r.ahead !== undefined);
  const behind = known.filter((r) => r.ahead !== 0 || r.behind !== 0);
  const failing = Object.keys(s.retries).length;
  parts.push(s.remotes.length === 0 ? "no remotes"
    : `${known.length - behind.length}/${s.remotes.length} remotes in sync${behind.length ? ` (${behind.map((r) => `${r.name}: ahead ${r.ahead}, behind ${r.behind}`).join("; ")})` : ""}`);
  if (failing) parts.push(Object.entries(s.retries).map(([r, e]) => `${r} ${e.refused ? "refusing pushes" : "unreachable"} since ${clock(e.firstFailure)}`).join(", "));
  const warned = s.remotes.filter((r) => r.warning).length;
  if (warned) parts.push(`${warned} remote warning${warned === 1 ? "" : "s"} (herald status --repo ${s.repo})`);
  parts.push(s.xmpp ? `xmpp ${s.xmpp.online ? "online" : "offline"}${s.xmpp.publisherMissing ? ` (${IGNORED})` : ""}` : "git only");
  if (s.conflicts) parts.push(`${s.conflicts} conflict${s.conflicts === 1 ? "" : "s"}`);
  if (s.refused?.length) parts.push(`${s.refused.length} peer tip${s.refused.length === 1 ? "" : "s"} REFUSED (herald status --repo ${s.repo})`);
  if (s.content && (s.content.keys || s.content.waiting)) parts.push(`${s.content.keys} keys (${mb(s.content.bytes)}) to transfer`);
  return parts.join(", ");
}
