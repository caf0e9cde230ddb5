// Talks to a running agent over its control socket (.git/herald/control.sock): one JSON line per
// request and per reply. "No agent" is a clear one-line failure, never a stack trace.
import type { ControlCommand, ControlReply } from "@herald/agent";
import { connect, type Socket } from "node:net";
import { join, resolve } from "node:path";
import { CliError } from "./cli-error.js";
import { runGit } from "./run-git.js";

export async function gitDirOf(repoArg: string | undefined): Promise<{ dir: string; gitDir: string }> {
  const dir = resolve(repoArg ?? process.cwd());
  const r = await runGit(["rev-parse", "--absolute-git-dir"], { cwd: dir }).catch(() => null);
  if (!r || r.status !== 0) throw new CliError(`${dir} is not a git clone (use --repo DIR)`, "NOT_A_REPO");
  return { dir, gitDir: r.stdout.toString("utf8").trim() };
}

export interface Connection {
  request(cmd: ControlCommand, args?: Record<string, unknown>, onEvent?: (e: unknown) => void): Promise<unknown>;
  close(): void;
}

export async function connectAgent(repoArg: string | undefined): Promise<Connection> {
  const { dir, gitDir } = await gitDirOf(repoArg);
  const path = join(gitDir, "herald", "control.sock");
  const socket: Socket = await new Promise((res, rej) => {
    const s = connect(path);
    s.once("connect", () => res(s));
    s.once("error", () => rej(new CliError(`no agent is running for ${dir} (start one with: herald agent --detach)`, "NO_AGENT")));
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onEvent?: (e: unknown) => void }>();
  let buf = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const reply = JSON.parse(buf.slice(0, nl)) as ControlReply;
      buf = buf.slice(nl + 1);
      const w = waiting.get(reply.id);
      if (!w) continue;
      if ("event" in reply) w.onEvent?.(reply.event);
      else if (reply.ok) w.resolve(reply.result);
      else w.reject(new CliError(reply.error.message, reply.error.code === "BAD_REQUEST" ? "USAGE" : reply.error.code));
    }
  });
  socket.on("close", () => {
    for (const w of waiting.values()) w.reject(new CliError("the agent closed the connection", "NO_AGENT"));
    waiting.clear();
  });
  return {
    request(cmd, args, onEvent) {
      const id = nextId++;
      return new Promise((res, rej) => {
        waiting.set(id, { resolve: res, reject: rej, ...(onEvent ? { onEvent } : {}) });
        socket.write(`${JSON.stringify({ id, cmd, ...(args ? { args } : {}) })}\n`);
      });
    },
    close: () => socket.end(),
  };
}

/** One request, then close. */
export async function ask(repoArg: string | undefined, cmd: ControlCommand): Promise<unknown> {
  const c = await connectAgent(repoArg);
  try {
    return await c.request(cmd);
  } finally {
    c.close();
  }
}
