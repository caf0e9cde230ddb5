// Pure: `herald status` as text, from the agent's status JSON. Quiet when all is well, exact when not.
import type { AgentStatus, MachineStatus } from "@herald/agent";
import { blockedText, contentText, failureText, IGNORED, refusalText, stalledText, statusLine } from "@herald/agent/status";

const ago = (iso: string, now: number) => `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s ago`;

export function renderStatus(s: AgentStatus, now: number): string {
  // Down (no engine): the reason is all there is to say; running but damaged: the reason first.
  if (s.error && !s.node) return `${s.repo}: ERROR: ${s.error}`;
  const lines: string[] = s.error ? [`ERROR: ${s.error}`] : [];
  const branch = s.branch?.replace(/^refs\/heads\//, "") ?? "(detached)";
  lines.push(`node ${s.node}: ${branch} at ${s.head?.slice(0, 10) ?? "(no commits)"}${s.paused ? "  [PAUSED: herald resume]" : ""}`);
  if (s.blocked) lines.push(`BLOCKED: ${blockedText(s.blocked)}`);
  if (s.xmpp) {
    lines.push(`xmpp: ${s.xmpp.online ? "connected" : "not connected"}; peers seen: ${s.xmpp.peersSeen.join(", ") || "none yet"}`);
    if (s.xmpp.publisherMissing) lines.push(`xmpp: ${IGNORED}`);
    if (s.xmpp.lastOut) lines.push(`  last announced: ${s.xmpp.lastOut.sha.slice(0, 10)} ${ago(s.xmpp.lastOut.at, now)}`);
    if (s.xmpp.lastIn) lines.push(`  last heard: ${s.xmpp.lastIn.node} ${s.xmpp.lastIn.sha.slice(0, 10)} ${ago(s.xmpp.lastIn.at, now)}`);
    const dropped = Object.entries(s.xmpp.dropped);
    if (dropped.length) lines.push(`  dropped: ${dropped.map(([k, v]) => `${v} ${k}`).join(", ")}`);
  } else {
    lines.push("xmpp: off (git only: set herald.jid to announce commits)");
  }
  for (const r of s.remotes) {
    const sync = r.ahead === undefined ? "not seen yet" : r.ahead === 0 && r.behind === 0 ? "in sync"
      : `ahead ${r.ahead}, behind ${r.behind}${s.blocked && r.behind ? " (held back: BLOCKED above)" : ""}`;
    const retry = s.retries[r.name];
    lines.push(`remote ${r.name} (${r.unserved ? "clone without Herald" : r.kind}${r.node ? ` ${r.node}` : ""}): ${sync}${retry ? `; ${failureText(retry, now)}` : r.stalled ? `; ${stalledText(r.stalled, now)}` : ""}`);
    if (r.warning) lines.push(`  WARNING: remote ${r.name}: ${r.warning}`);
  }
  if (s.remotes.length === 0) lines.push("no remotes: add one with git remote add");
  lines.push(s.conflicts ? `conflicts: ${s.conflicts} (herald conflicts)` : "conflicts: none");
  // Never merged, never passed on: the peer's ref stays as it is until it holds only trusted work.
  for (const r of s.refused ?? []) lines.push(`REFUSED (herald.verify): ${refusalText(r)}`);
  if (s.content) lines.push(contentText(s.content));
  return lines.join("\n");
}

/** Pure: `herald status` outside a clone: every repository the daemon serves, one line each;
 * where the dashboard is (its port may not be the default one), or why it is off. */
export function renderMachineStatus(m: Pick<MachineStatus, "pid" | "repos" | "dashboard">): string {
  const head = m.repos.length === 0 ? `daemon (pid ${m.pid}): no repositories yet (add one with: herald add DIR)` : `daemon (pid ${m.pid}): ${m.repos.length} repositor${m.repos.length === 1 ? "y" : "ies"}`;
  const web = m.dashboard ? [m.dashboard.url ? `dashboard: ${m.dashboard.url} (log in with: herald open)` : `dashboard: OFF: ${m.dashboard.error ?? "not serving"}`] : [];
  return [head, ...web, ...m.repos.map((s) => `${s.repo}: ${statusLine(s)}`)].join("\n");
}
