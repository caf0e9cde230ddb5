// The hot path's git runner: execFile (no shell), the exit code, stdin, and nothing added.
// simple-git (used for one-off probes) waits 50 ms after every command that prints nothing
// (its completion plugin) and reports a failure only when git also wrote to stderr, so a
// silent `merge --ff-only -q` cost 55 ms and `merge-base --is-ancestor` could not say "no".
import { spawn } from "node:child_process";

export interface GitResult { code: number; stdout: string; stderr: string }

/** `timeoutMs`: kill git after this long (a network remote that never answers); the result then
 * has code -1 and says so on stderr. */
export function runGit(cwd: string, args: readonly string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // No optional locks (git(1), GIT_OPTIONAL_LOCKS): a status of ours never refreshes the index
      // under index.lock, so it never makes the user's own git fail, and an agent killed during
      // one leaves no stale lock behind (found by npm run chaos: the user's `git add` then failed).
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", ...opts.env },
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      // Its own process group when it may be killed: ssh or a remote helper it started goes too.
      detached: opts.timeoutMs !== undefined,
    });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    const done = (code: number, late = "") => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + late });
    const timer = opts.timeoutMs === undefined ? null : setTimeout(() => {
      try { process.kill(-child.pid!, "SIGKILL"); } catch { child.kill("SIGKILL"); }
      done(-1, `no answer within ${opts.timeoutMs! / 1000} s\n`);
    }, opts.timeoutMs);
    child.once("error", (e) => { if (timer) clearTimeout(timer); reject(e); });
    child.once("close", (code) => {
      if (timer) clearTimeout(timer);
      done(code ?? -1);
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
