// Pure: `herald transfers` as text, one block per repository, one line per transfer.
import { secondsLeft, type TransferRecord } from "@herald/agent";

export interface RepoTransfers { repo: string; annexed: boolean; transfers?: TransferRecord[] }

const ORDER = ["running", "queued", "paused", "failed", "done", "skipped", "cancelled"];

function mib(n: number): string {
  return `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MiB`;
}

function transferLine(t: TransferRecord, now: number): string {
  const what = `${t.direction === "to" ? "to" : "from"} ${t.remote}: ${t.path} (${t.key.length > 40 ? `${t.key.slice(0, 37)}...` : t.key})`;
  const size = t.total !== null ? `${mib(t.bytes)} of ${mib(t.total)}` : t.bytes ? mib(t.bytes) : "";
  if (t.state === "running") {
    const left = secondsLeft(t);
    return `running  ${what} ${size}${t.rate ? `, ${mib(t.rate)}/s` : ""}${left !== null ? `, ${left} s left` : ""}`;
  }
  if (t.state === "failed") {
    const next = t.nextTry !== null ? `, next try in ${Math.max(0, Math.round((t.nextTry - now) / 1000))} s` : "";
    return `failed   ${what}: ${t.error ?? "?"} (attempt ${t.attempts}${next})`;
  }
  return `${t.state.padEnd(8)} ${what}${size ? ` ${size}` : ""}`;
}

export function renderTransfers(repos: RepoTransfers[], now: number): string {
  return repos.map((r) => {
    if (!r.annexed) return `${r.repo}: not a git-annex repository`;
    const list = [...(r.transfers ?? [])].sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state));
    return [`${r.repo}: ${list.length ? `${list.length} transfers` : "no transfers"}`, ...list.map((t) => `  ${transferLine(t, now)}`)].join("\n");
  }).join("\n");
}
