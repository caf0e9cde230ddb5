// One long-running `git cat-file --batch` per repository, the way git-annex's Git.CatFile keeps
// one: "do we have this commit, what are its parents" is asked on every announcement and every
// merge pass, and a process per question (2–5 ms, much more with ten agents on two cores) was
// most of Herald's CPU per commit. Questions are answered in the order they were written.
//
// The process is started on first use and does not keep Node alive while nothing is pending
// (a CLI command that asked one question still exits). It sees objects written after it started:
// git looks loose objects up afresh and rescans packs when an id is not found. Unasked for
// `idleMs`, it ends, and the next question starts another: a daemon serving 20 quiet repositories
// kept 20 of them, 82 of its 151 MB (npm run bench, footprint).
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { isSha } from "@herald/protocol";
import { HeraldError } from "../errors.js";

export interface GitObject { type: string; body: Buffer }

interface Pending { resolve: (o: GitObject | null) => void; reject: (e: Error) => void }

/** A repository unasked this long has its process ended: a burst of commits keeps it. */
export const CAT_FILE_IDLE_MS = 20_000;

export class CatFile {
  #child: ChildProcessByStdio<Writable, Readable, null> | null = null;
  #pending: Pending[] = [];
  #buf: Buffer = Buffer.alloc(0);
  #closed = false;
  #idle: NodeJS.Timeout | null = null;

  constructor(private readonly cwd: string, private readonly idleMs = CAT_FILE_IDLE_MS) {}

  /** The running process's pid (null when none runs). */
  get pid(): number | null { return this.#child?.pid ?? null; }

  /** The object, or null when the repository does not have it. */
  read(sha: string): Promise<GitObject | null> {
    // Only an object id reaches the process's stdin: never a newline, a revision or a path.
    if (!isSha(sha)) return Promise.reject(new HeraldError("BAD_SHA", `not a commit id: ${JSON.stringify(String(sha).slice(0, 80))}`));
    if (this.#closed) return Promise.reject(new Error("cat-file reader is closed"));
    const child = this.#start();
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#ref(true);
      child.stdin.write(`${sha}\n`);
    });
  }

  close(): void {
    this.#closed = true;
    this.#end();
  }

  /** End the process (it exits at the end of its stdin); the next read starts another. */
  #end(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    this.#child?.stdin.end();
    this.#child = null;
  }

  #start(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.#child) return this.#child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.cwd, stdio: ["pipe", "pipe", "ignore"] });
    this.#child = child;
    this.#buf = Buffer.alloc(0);
    child.stdout.on("data", (b: Buffer) => this.#onData(b));
    const fail = (e: Error) => {
      if (this.#child !== null && this.#child !== child) return; // one ended when idle: its successor's questions are not its own
      this.#child = null;
      for (const p of this.#pending.splice(0)) p.reject(e);
    };
    child.on("error", fail);
    child.on("close", (code) => fail(new Error(`git cat-file --batch exited (${code})`)));
    child.stdin.on("error", () => undefined); // EPIPE after the process died: "close" reports it
    return child;
  }

  #onData(b: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, b]) : b;
    for (;;) {
      const p = this.#pending[0];
      if (!p) break;
      const nl = this.#buf.indexOf(10);
      if (nl < 0) break;
      const header = this.#buf.subarray(0, nl).toString("latin1");
      const parts = header.split(" ");
      if (parts[1] === "missing" || parts[1] === "ambiguous") {
        this.#buf = this.#buf.subarray(nl + 1);
        this.#pending.shift();
        p.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (parts.length !== 3 || !Number.isSafeInteger(size)) {
        this.#pending.shift();
        p.reject(new Error(`git cat-file --batch: unexpected output ${JSON.stringify(header.slice(0, 80))}`));
        this.#child?.kill();
        return;
      }
      if (this.#buf.length < nl + 1 + size + 1) break; // the body (and its newline) is still coming
      const body = Buffer.from(this.#buf.subarray(nl + 1, nl + 1 + size));
      this.#buf = this.#buf.subarray(nl + 1 + size + 1);
      this.#pending.shift();
      p.resolve({ type: parts[1]!, body });
    }
    if (this.#pending.length === 0) {
      this.#ref(false);
      this.#idle ??= setTimeout(() => this.#end(), this.idleMs);
      this.#idle.unref();
    }
  }

  /** Keep Node alive only while an answer is awaited. */
  #ref(on: boolean): void {
    const c = this.#child;
    if (!c) return;
    for (const h of [c, c.stdin, c.stdout] as Array<{ ref?: () => void; unref?: () => void }>) (on ? h.ref : h.unref)?.call(h);
  }
}

/** The fields of a commit object Herald reads (git's commit format: headers, blank line, message). */
export interface CommitInfo { parents: string[]; authorEmail: string; committerTime: number; message: string }

export function parseCommit(body: Buffer): CommitInfo {
  const text = body.toString("utf8");
  const end = text.indexOf("\n\n");
  const parents: string[] = [];
  let authorEmail = "", committerTime = 0;
  for (const line of (end < 0 ? text : text.slice(0, end)).split("\n")) {
    if (line.startsWith("parent ")) parents.push(line.slice(7));
    else if (line.startsWith("author ")) authorEmail = /<([^>]*)>/.exec(line)?.[1] ?? "";
    else if (line.startsWith("committer ")) committerTime = Number(/> (\d+) [+-]\d{4}$/.exec(line)?.[1] ?? 0);
  }
  return { parents, authorEmail, committerTime, message: end < 0 ? "" : text.slice(end + 2) };
}
