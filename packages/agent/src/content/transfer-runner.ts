// Runs one content transfer as a git-annex process and follows its JSON progress. The content is
// named by its key (`--key`): git-annex then reads neither the work tree nor the index, which a
// merge may be changing at that moment. Where the receiving repository has a preferred content
// expression (`git annex wanted`, groups), the file is named instead, with the matching option
// `--want-get-by=REMOTE` (`--want-get` for this clone), which does not apply to `--key`: git-annex
// itself evaluates the expression against the file, and a repository that does not want it is
// not sent it. (Not `--auto`: with no expression set it sends nothing at all, and Herald's
// default, like its git sync, is that every clone gets everything.) The git-annex branches
// fetched from remotes are not merged first (annex.merge-annex-branches=false): that is
// bookkeeping the content part does on its own (annex-branch.ts), and a copy that merged them
// itself ran a union merge on the next hop's path. git-annex is run directly, not
// through `git annex`, so that a signal reaches the process doing the transfer; it keeps the
// partial content (.git/annex/tmp on the receiving side) and the next run resumes from it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseAnnexLine } from "./annex-json.js";
import { timeoutReason } from "../git/network-policy.js";
import { startWatchdog } from "../git/watchdog.js";

export interface TransferJob {
  key: string;
  path: string;
  direction: "to" | "from";
  remote: string;
  /** the receiver has a preferred content expression: let git-annex apply it */
  wanted?: boolean;
  /** annex.bwlimit in bytes per second */
  bwlimit?: number;
}

export type TransferOutcome =
  | { result: "done"; bytes: number }
  | { result: "skipped" }
  | { result: "failed"; error: string }
  | { result: "stopped" };

export function annexArgs(job: TransferJob): string[] {
  // The key is checked (keys.ts isAnnexKey) before any job is queued.
  const cmd = job.direction === "to" ? ["copy", `--to=${job.remote}`] : ["get", `--from=${job.remote}`];
  const limit = job.bwlimit ? ["-c", `annex.bwlimit=${Math.max(1, Math.floor(job.bwlimit))}B`] : [];
  const want = !job.wanted ? [] : job.direction === "to" ? [`--want-get-by=${job.remote}`] : ["--want-get"];
  const what = job.wanted ? ["--", job.path] : [`--key=${job.key}`];
  return [...cmd, "-c", "annex.merge-annex-branches=false", ...want, "--json", "--json-progress", ...limit, ...what];
}

// setpriv(1) --pdeathsig: git-annex gets SIGTERM if the agent dies (SIGKILL included), so a
// killed agent leaves no transfer running that its restart would collide with (git-annex's
// transfer lock refuses a second). setpriv execs, so the pid we signal is git-annex's own.
const SETPRIV = existsSync("/usr/bin/setpriv") ? "/usr/bin/setpriv" : null;

/** `env`: added to the environment (how ssh runs: git/ssh-env.ts; git-annex follows GIT_SSH_COMMAND).
 * `idleMs`: the watchdog for a network remote (git/network-policy.ts): git-annex is killed, with
 * the ssh it started, once it has printed nothing for this long and `moving` (ssh's bytes:
 * git/ssh-activity.ts) says nothing moves either. Progress is its JSON progress lines (one each
 * time bytes move) and anything on stderr; a transfer that moves is never cut. */
export function runTransfer(cwd: string, job: TransferJob, onProgress: (bytes: number, total: number | null) => void, signal: AbortSignal, env: Record<string, string> = {}, idleMs?: number, moving?: (pgid: number) => Promise<boolean>): Promise<TransferOutcome> {
  return new Promise((resolve) => {
    const args = annexArgs(job);
    // Its own process group under a watchdog, so that the kill takes ssh along.
    const o = { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"], detached: idleMs !== undefined };
    const child = SETPRIV ? spawn(SETPRIV, ["--pdeathsig", "TERM", "git-annex", ...args], o) : spawn("git-annex", args, o);
    let outcome: TransferOutcome | null = null;
    let bytes = 0;
    let stderr = "";
    let stalled = false;
    const dog = idleMs === undefined ? null : startWatchdog(idleMs, () => child.pid!, () => {
      stalled = true;
      try { process.kill(-child.pid!, "SIGKILL"); } catch { child.kill("SIGKILL"); }
      // Not waiting for its pipes to close: whatever it started outside its group may hold them.
      resolve({ result: "failed", error: timeoutReason(idleMs) });
    }, moving);
    const stop = () => child.kill("SIGTERM");
    signal.addEventListener("abort", stop, { once: true });
    child.stdout!.on("data", () => dog?.poke());
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const l = parseAnnexLine(line);
      if (l.kind === "progress") onProgress((bytes = l.bytes), l.total);
      else if (l.kind === "result") outcome = l.success ? { result: "done", bytes: Math.max(bytes, 0) } : { result: "failed", error: l.error || "git-annex reported failure" };
    });
    child.stderr!.on("data", (b: Buffer) => { dog?.poke(); stderr = (stderr + b.toString()).slice(-2000); });
    child.once("error", (e) => { dog?.stop(); resolve({ result: "failed", error: e.message }); });
    child.once("close", (code) => {
      dog?.stop();
      signal.removeEventListener("abort", stop);
      if (signal.aborted) return resolve({ result: "stopped" });
      if (stalled) return resolve({ result: "failed", error: timeoutReason(idleMs!) });
      if (outcome) return resolve(outcome);
      resolve(code === 0 ? { result: "skipped" } : { result: "failed", error: stderr.trim().split("\n").slice(-2).join(" / ") || `git-annex exited ${code}` });
    });
  });
}
