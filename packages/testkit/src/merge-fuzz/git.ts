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

export function gitExec(dir: string, args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<Run & { out: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
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

/** Every entry of a commit's tree, by path (blobs, symlinks and gitlinks). */
export async function lsTree(dir: string, commit: string): Promise<Tree> {
  const out = await gitRun(dir, ["ls-tree", "-r", "-z", "--full-tree", commit]);
  const tree: Tree = new Map();
  for (const rec of out.split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("\t");
    const [mode, , oid] = rec.slice(0, tab).split(" ");
    tree.set(rec.slice(tab + 1), { mode: mode!, oid: oid! });
  }
  return tree;
}

/** The blobs' bodies, from one `git cat-file --batch`. */
export async function readBlobs(dir: string, oids: Iterable<string>): Promise<Map<string, Buffer>> {
  const list = [...new Set(oids)];
  const bodies = new Map<string, Buffer>();
  if (!list.length) return bodies;
  const { out } = await gitExec(dir, ["cat-file", "--batch"], { input: list.map((o) => `${o}\n`).join("") });
  let at = 0;
  for (const oid of list) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString("latin1");
    const size = Number(header.split(" ")[2]);
    if (!header.startsWith(oid) || !Number.isFinite(size)) throw new Error(`cat-file --batch: unexpected header ${header} for ${oid}`);
    bodies.set(oid, out.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return bodies;
}
