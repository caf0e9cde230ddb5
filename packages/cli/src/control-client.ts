// Talks to a running Herald over a control socket (a single-clone agent's .git/herald/control.sock,
// or the daemon's $XDG_RUNTIME_DIR/herald/control.sock): one JSON line per request and per reply.
// "No agent" is a clear one-line failure, never a stack trace; nor is a wait without end: a Herald
// that accepts the connection but never answers (stopped with SIGSTOP, stuck) is given ANSWER_MS.
import type { ControlCommand, ControlReply } from "@herald/agent";
// The light entry point: the whole agent (XMPP, git, watchers) is not needed to talk to it.
import { controlSocketPath } from "@herald/agent/paths";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join, resolve } from "node:path";
import { CliError } from "./cli-error.js";
import { runGit } from "./run-git.js";

export async function gitDirOf(repoArg: string | undefined): Promise<{ dir: string; gitDir: string }> {
  const dir = resolve(repoArg ?? process.cwd());
  const found = await cloneAt(dir);
  if (!found) throw new CliError(`${dir} is not a git clone (use --repo DIR)`, "NOT_A_REPO");
  return found;
}

/** The clone `--repo` names (an error if it is not one), else the one we stand in, else null. */
export async function cloneHere(repoArg: string | undefined): Promise<{ dir: string; gitDir: string } | null> {
  return repoArg !== undefined ? gitDirOf(repoArg) : cloneAt(process.cwd());
}

/** The clone's top directory and git dir, or null when `dir` is not inside one. */
async function cloneAt(dir: string): Promise<{ dir: string; gitDir: string } | null> {
  const r = await runGit(["rev-parse", "--show-toplevel", "--absolute-git-dir"], { cwd: dir }).catch(() => null);
  if (!r || r.status !== 0) return null;
  const [top, gitDir] = r.stdout.toString("utf8").trim().split("\n");
  return top && gitDir ? { dir: top, gitDir } : null;
}

/**
 * Who answers for `repoArg` (default: the current directory): a single-clone agent's socket in
 * the clone if one is running, else the daemon's. `repo` is what the daemon is asked about: the
 * clone, or a --repo path that no longer exists (a repository on the list whose directory went);
 * none outside a clone, where commands cover every repository.
 */
export async function connectHerald(repoArg: string | undefined): Promise<{ conn: Connection; repo?: string }> {
  const dir = resolve(repoArg ?? process.cwd());
  const clone = await cloneAt(dir);
  if (!clone && repoArg !== undefined && existsSync(dir)) throw new CliError(`${dir} is not a git clone (use --repo DIR)`, "NOT_A_REPO");
  if (clone) {
    const own = await open(join(clone.gitDir, "herald", "control.sock")).catch(() => null);
    if (own) return { conn: own, repo: clone.dir };
  }
  const repo = clone?.dir ?? (repoArg !== undefined ? dir : undefined);
  const daemon = await open(controlSocketPath()).catch(() => null);
  if (daemon) return { conn: daemon, ...(repo ? { repo } : {}) };
  throw new CliError(repo
    ? `no agent is running for ${repo} (start one with: herald daemon --detach, then herald add ${repo}; or: herald agent --detach)`
    : "no Herald daemon is running (start it with: herald daemon --detach)", "NO_AGENT");
}

/** How long a connect, and a reply to a question (all but sync), may take. A live Herald answers
 * in milliseconds: this only ends a wait on one that cannot. */
export const CONNECT_MS = 5_000;
export const ANSWER_MS = 10_000;

export interface Connection {
  /** `timeoutMs`: fail when no reply came by then (the stream of `onEvent`s after it is not timed). */
  request(cmd: ControlCommand, args?: Record<string, unknown>, onEvent?: (e: unknown) => void, timeoutMs?: number): Promise<unknown>;
  /** Resolves when the connection ends (the agent stopped, or close()). */
  readonly closed: Promise<void>;
  close(): void;
}

const silent = (path: string, ms: number) => new CliError(
  `the Herald listening on ${path} did not answer within ${ms / 1000} s (stopped or stuck?): herald stop, then start it again`, "NO_ANSWER");

/** A connection to the control socket at `path` (rejects when nothing listens there). */
export async function open(path: string): Promise<Connection> {
  const socket: Socket = await new Promise((res, rej) => {
    const s = connect(path);
    const timer = setTimeout(() => { s.destroy(); rej(silent(path, CONNECT_MS)); }, CONNECT_MS);
    s.once("connect", () => { clearTimeout(timer); res(s); });
    s.once("error", (e) => { clearTimeout(timer); rej(e); });
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
  const closed = new Promise<void>((resolveClosed) => socket.on("close", () => {
    for (const w of waiting.values()) w.reject(new CliError("the agent closed the connection", "NO_AGENT"));
    waiting.clear();
    resolveClosed();
  }));
  return {
    request(cmd, args, onEvent, timeoutMs) {
      const id = nextId++;
      return new Promise((res, rej) => {
        const timer = timeoutMs === undefined ? null : setTimeout(() => {
          waiting.delete(id);
          rej(silent(path, timeoutMs));
          socket.destroy();
        }, timeoutMs);
        const done = () => { if (timer) clearTimeout(timer); };
        waiting.set(id, { resolve: (v) => { done(); res(v); }, reject: (e) => { done(); rej(e); }, ...(onEvent ? { onEvent } : {}) });
        socket.write(`${JSON.stringify({ id, cmd, ...(args ? { args } : {}) })}\n`);
      });
    },
    closed,
    close: () => socket.end(),
  };
}

/** One request (about the clone `repoArg` names or the one we are in, if any), then close. */
export async function ask(repoArg: string | undefined, cmd: ControlCommand, args: Record<string, unknown> = {}): Promise<unknown> {
  const { conn, repo } = await connectHerald(repoArg);
  try {
    // sync takes as long as the pushes it waits for (each bounded by herald.networkTimeout).
    return await conn.request(cmd, { ...args, ...(repo ? { repo } : {}) }, undefined, cmd === "sync" ? undefined : ANSWER_MS);
  } finally {
    conn.close();
  }
}
