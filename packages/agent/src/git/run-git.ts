// The hot path's git runner: execFile (no shell), the exit code, stdin, and nothing added.
// simple-git (used for one-off probes) waits 50 ms after every command that prints nothing
// (its completion plugin) and reports a failure only when git also wrote to stderr, so a
// silent `merge --ff-only -q` cost 55 ms and `merge-base --is-ancestor` could not say "no".
import { spawn } from "node:child_process";

export interface GitResult { code: number; stdout: string; stderr: string }

export function runGit(cwd: string, args: readonly string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // No optional locks (git(1), GIT_OPTIONAL_LOCKS): a status of ours never refreshes the index
      // under index.lock, so it never makes the user's own git fail, and an agent killed during
      // one leaves no stale lock behind (found by npm run chaos: the user's `git add` then failed).
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", ...opts.env },
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
