// The merge fuzzer's own git calls: one spawn each, NUL-separated output everywhere (its paths
// hold spaces, unicode, leading dashes and newlines), and a fixed identity and clock so one seed
// makes the same commits, and so the same merge ids, on every run.
import { spawn } from "node:child_process";

export interface Run { code: number; stdout: string; stderr: string }

/** The fuzz case's clock: every commit one tick later, so a replay makes the same shas. */
export class Clock {
  #t = 1_700_000_000;
  env(name: string): Record<string, string> {
    const date = `${++this.#t} +0000`;
    return {
      GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: `${name}@example.org`, GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: `${name}@example.org`, GIT_COMMITTER_DATE: date,
    };
  }
}

// No prompt; and no `git maintenance run --auto` after every commit and merge (a process each,
// a tenth of a case's, with nothing to do in repositories this small).
const QUIET = { GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "maintenance.auto", GIT_CONFIG_VALUE_0: "false" };

export function gitExec(dir: string, args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<Run & { out: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env: { ...process.env, ...QUIET, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.once("error", reject);
    child.once("close", (code) => {
      const o = Buffer.concat(out);
      resolve({ code: code ?? -1, out: o, stdout: o.toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.on("error", () => {}); // git may exit before reading all of it
    child.stdin.end(opts.input ?? "");
  });
}

/** gitExec that throws, naming the command, on a non-zero exit. */
export async function gitRun(dir: string, args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<string> {
  const r = await gitExec(dir, args, opts);
  if (r.code !== 0) throw new Error(`git ${args.map((a) => JSON.stringify(a)).join(" ")} in ${dir} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export interface Entry { mode: string; oid: string }
export type Tree = Map<string, Entry>;
