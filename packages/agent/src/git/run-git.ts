// The hot path's git runner: execFile (no shell), the exit code, stdin, and nothing added.
// simple-git (used for one-off probes) waits 50 ms after every command that prints nothing
// (its completion plugin) and reports a failure only when git also wrote to stderr, so a
// silent `merge --ff-only -q` cost 55 ms and `merge-base --is-ancestor` could not say "no".
import { spawn } from "node:child_process";
import { startWatchdog } from "./watchdog.js";

export interface GitResult { code: number; stdout: string; stderr: string; /** killed by `idleMs`'s watchdog */ idle?: true }

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  /** Kill git after this long in all (a question that must answer soon); the result then has
   * code -1 and says so on stderr. */
  timeoutMs?: number;
  /** The watchdog (network-policy.ts): kill git once it has printed nothing for this long; the
   * result then has code -1 and `idle`. Each byte on stdout or stderr starts the wait again. */
  idleMs?: number;
  /** Asked (with git's pid, its process group's) before the watchdog kills: true when the
   * command is moving after all (ssh's bytes: ssh-activity.ts); the wait then starts again. */
  moving?: (pgid: number) => Promise<boolean>;
  /** Called at each piece of output (network-calls.ts: when the command last said something). */
  onOutput?: () => void;
}

export function runGit(cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // No optional locks (git(1), GIT_OPTIONAL_LOCKS): a status of ours never refreshes the index
      // under index.lock, so it never makes the user's own git fail, and an agent killed during
      // one leaves no stale lock behind (found by npm run chaos: the user's `git add` then failed).
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", ...opts.env },
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      // Its own process group when it may be killed: ssh or a remote helper it started goes too.
      detached: opts.timeoutMs !== undefined || opts.idleMs !== undefined,
    });
    const out: Buffer[] = [], err: Buffer[] = [];
    const kill = () => { try { process.kill(-child.pid!, "SIGKILL"); } catch { child.kill("SIGKILL"); } };
    const done = (code: number, late = "", extra: Partial<GitResult> = {}) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + late, ...extra });
    const dog = opts.idleMs === undefined ? null : startWatchdog(opts.idleMs, () => child.pid!, () => { stop(); kill(); done(-1, "", { idle: true }); }, opts.moving);
    const timer = opts.timeoutMs === undefined ? null : setTimeout(() => {
      stop(); kill();
      done(-1, `timeout: no answer within ${opts.timeoutMs! / 1000} s\n`);
    }, opts.timeoutMs);
    function stop() { if (timer) clearTimeout(timer); dog?.stop(); }
    child.stdout!.on("data", (b: Buffer) => { out.push(b); dog?.poke(); opts.onOutput?.(); });
    child.stderr!.on("data", (b: Buffer) => { err.push(b); dog?.poke(); opts.onOutput?.(); });
    child.once("error", (e) => { stop(); reject(e); });
    child.once("close", (code) => { stop(); done(code ?? -1); });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
