// Pure: which git commands talk over the network, and the watchdog they run under. A command that
// makes no progress for herald.networkTimeout seconds (no byte on its stdout or stderr) is killed
// and counts as a failure with reason `timeout`. Not a total deadline: a long transfer that keeps
// moving is never cut short; a push into a dead TCP connection (a link that dropped, a master
// connection onto it) is, which otherwise hung for minutes: the kernel's retransmissions run ~15 min.

/** herald.networkTimeout's default, in seconds. */
export const DEFAULT_NETWORK_TIMEOUT_S = 30;

/** A remote's URL reaches over a network (ssh, git://, http): not a path, not file://. Matches
 * git's own rule (transport.c url_is_local_not_ssh): a colon before the first slash is scp-style
 * `host:path`, unless the part before it is a drive letter. */
export function isNetworkUrl(url: string): boolean {
  if (url.startsWith("file://")) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return true;
  const colon = url.indexOf(":"), slash = url.indexOf("/");
  return colon > 0 && (slash < 0 || colon < slash) && !url.startsWith("./") && !url.startsWith("../");
}

/** The host an ssh remote connects to (`user@host:port`, as written), or null for a remote that
 * is not reached over ssh. One ControlMaster serves each. */
export function sshHost(url: string): string | null {
  const full = /^(?:ssh|git\+ssh|ssh\+git):\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//i.exec(url);
  if (full) return `${full[1] ? `${full[1]}@` : ""}${full[2]}:${full[3] ?? 22}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || !isNetworkUrl(url)) return null;
  const scp = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):/.exec(url);
  return scp ? `${scp[1] ? `${scp[1]}@` : ""}${scp[2]}:22` : null;
}

/** The failure a watchdog kill is recorded as (status, log, the retry queue). */
export function timeoutReason(idleMs: number): string {
  return `timeout: no progress for ${Math.round(idleMs / 100) / 10} s`;
}

/** git push and fetch print progress only to a terminal; `--progress` makes them report it
 * anyway, so a transfer that moves is seen to move. fetch's --quiet then still lets the remote
 * report (counting, compressing); push's --quiet would ask the remote to be quiet (send-pack's
 * `quiet` capability) while it resolves a large pack's deltas, so it goes (--porcelain keeps its
 * answer on stdout as it was). Other commands (ls-remote) have no progress to show: their answer
 * is all they print. */
export function withProgress(args: readonly string[]): string[] {
  const i = args.findIndex((a) => a === "push" || a === "fetch");
  if (i < 0 || args.includes("--progress")) return [...args];
  const rest = args.slice(i + 1).filter((a) => args[i] !== "push" || (a !== "--quiet" && a !== "-q"));
  return [...args.slice(0, i + 1), "--progress", ...rest];
}

/** git's progress meter and summary, on our side and the remote's ("remote: Counting objects: …"). */
const PROGRESS = /^(?:remote: )?(?:Enumerating objects|Counting objects|Compressing objects|Writing objects|Receiving objects|Resolving deltas|Total \d+|Delta compression|Unpacking objects|Checking connectivity|Checking objects)\b/;

/** stderr without the progress meter (its \r-rewritten lines and summaries): what is left is
 * what git and ssh said, for messages and for telling a rejection from a failure. */
export function stripProgress(stderr: string): string {
  return stderr.split("\n").map((l) => l.split("\r").filter((s) => s.trim() !== "").pop() ?? "")
    .filter((l) => !PROGRESS.test(l.trim())).join("\n").replace(/^\n+/, "");
}
