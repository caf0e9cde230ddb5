// Runs git with byte-exact input and output: merge inputs may be binary, and a blob id is only
// right if not one byte is re-encoded on the way.
import { spawn } from "node:child_process";
import { CliError } from "./cli-error.js";

export interface GitResult { status: number; stdout: Buffer; stderr: string }

/** Resolves with git's exit status, whatever it is; callers decide what a status means. */
export function runGit(args: string[], opts: { cwd?: string; input?: Buffer } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new CliError(`cannot run git: ${e.message}`, "GIT", { cause: e })));
    child.on("close", (status, signal) => resolve({
      status: status ?? (signal ? 128 : 1),
      stdout: Buffer.concat(out),
      stderr: Buffer.concat(err).toString("utf8"),
    }));
    child.stdin.on("error", () => undefined); // git may exit before reading all input; its status says why
    child.stdin.end(opts.input);
  });
}

/** Like runGit, but a non-zero exit is an error naming the command and git's last words. */
export async function gitOk(args: string[], opts: { cwd?: string; input?: Buffer } = {}): Promise<Buffer> {
  const r = await runGit(args, opts);
  if (r.status !== 0) {
    const said = r.stderr.trim().split("\n").pop() ?? "";
    throw new CliError(`git ${args[0]} failed (exit ${r.status})${said ? `: ${said}` : ""}`, "GIT");
  }
  return r.stdout;
}
