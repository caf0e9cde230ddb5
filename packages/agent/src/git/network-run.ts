// One git command that talks to a remote over the network (push, fetch, ls-remote): under the
// watchdog (network-policy.ts), with progress on stderr (stripped from the result), as the first
// connection to its ssh host alone (ssh-control.ts), and in `calls` while it runs (what status
// reads of a link gone quiet, network-calls.ts).
import { NetworkTimeoutError } from "../errors.js";
import type { NetworkCalls } from "./network-calls.js";
import { stripProgress, withProgress } from "./network-policy.js";
import { runGit, type GitResult } from "./run-git.js";
import { sshMovement } from "./ssh-activity.js";
import { firstConnection, masterFor } from "./ssh-control.js";

export interface NetworkRun { dir: string; env: Record<string, string>; idleMs: number; calls: NetworkCalls }

/** Throws NetworkTimeoutError when the watchdog killed it. `url`: the remote's, when known. */
export async function runNetworkGit(o: NetworkRun, remote: string, url: string | undefined, args: string[]): Promise<GitResult> {
  const call = o.calls.start(remote, args.find((a) => /^(push|fetch|ls-remote)$/.test(a)) ?? "git");
  const moving = sshMovement(() => masterFor(url ?? ""));
  const r = await firstConnection(url ?? "", () => runGit(o.dir, withProgress(args), { env: o.env, idleMs: o.idleMs, moving, onOutput: () => (call.lastOutput = Date.now()) }))
    .finally(() => o.calls.end(call));
  if (r.idle) throw new NetworkTimeoutError(remote, args, o.idleMs);
  return { ...r, stderr: stripProgress(r.stderr) };
}
