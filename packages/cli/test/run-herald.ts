// Runs the built `herald` binary as a user would: a child process, plain (non-TTY) output.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function assertBuilt(): void {
  // ./scripts/test.sh builds first; a bare jest run needs `npx tsc -b` beforehand.
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx tsc -b\` before these tests`);
}

export interface Running {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when stderr has a line matching `re` (rejects on exit or timeout). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<Exit>;
}

export function startHerald(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Running {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
  let stdout = "", stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<Exit>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  const waitForStderr = (re: RegExp, timeoutMs = 20_000) => new Promise<string>((resolve, reject) => {
    const check = () => {
      const line = stderr.split("\n").find((l) => re.test(l));
      if (line === undefined) return;
      cleanup();
      resolve(line);
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no stderr line matching ${re} in ${timeoutMs} ms; stderr so far:\n${stderr}`)); }, timeoutMs);
    const onExit = () => { cleanup(); reject(new Error(`herald exited before printing ${re}; stderr:\n${stderr}`)); };
    const cleanup = () => { clearTimeout(timer); child.stderr.off("data", check); child.off("close", onExit); };
    child.stderr.on("data", check);
    child.once("close", onExit);
    check();
  });
  return { child, waitForStderr, exited };
}

/** Runs herald to completion, feeding `input` on stdin. */
export async function herald(args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Exit> {
  const run = startHerald(args, opts);
  run.child.stdin.end(opts.input ?? "");
  return run.exited;
}

/** The non-empty lines of stderr (errors must be exactly one). */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}
