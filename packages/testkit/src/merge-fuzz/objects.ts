// The fuzzer's object reads, through one `git cat-file --batch` a case: commits, trees and blobs
// without a git process each (a process costs some 20 ms of CPU on this machine, and a case
// reads a few dozen objects after every merge). Requests are object ids only, answered in order.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { Tree } from "./git.js";

export interface GitObject { type: string; body: Buffer }

export class Objects {
  #child: ChildProcessByStdio<Writable, Readable, null> | null = null;
  #waiting: Array<{ resolve: (o: GitObject | null) => void; reject: (e: Error) => void }> = [];
  #buf = Buffer.alloc(0);
  constructor(readonly dir: string) {}

  read(oid: string): Promise<GitObject | null> {
    if (!/^[0-9a-f]{40}$/.test(oid)) return Promise.reject(new Error(`not an object id: ${JSON.stringify(oid)}`));
    const child = this.#start();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  async must(oid: string, type: string): Promise<Buffer> {
    const o = await this.read(oid);
    if (!o || o.type !== type) throw new Error(`${oid} is ${o ? `a ${o.type}` : "missing"}, not a ${type}`);
    return o.body;
  }

  /** Every blob, symlink and gitlink under a commit, by path (what `ls-tree -r` lists). */
  async tree(commit: string): Promise<Tree> {
    const text = (await this.must(commit, "commit")).toString("latin1");
    const out: Tree = new Map();
    await this.#walk(/^tree ([0-9a-f]{40})$/m.exec(text)![1]!, "", out);
    return out;
  }

  async #walk(tree: string, prefix: string, out: Tree): Promise<void> {
    const body = await this.must(tree, "tree");
    const subtrees: Array<[string, string]> = [];
    // `<mode> <name>\0<20-byte id>` per entry (git's tree object format); names are bytes, UTF-8 here.
    for (let at = 0; at < body.length;) {
      const space = body.indexOf(32, at), nul = body.indexOf(0, space);
      const mode = body.subarray(at, space).toString("latin1");
      const path = prefix + body.subarray(space + 1, nul).toString("utf8");
      const oid = body.subarray(nul + 1, nul + 21).toString("hex");
      at = nul + 21;
      if (mode === "40000") subtrees.push([oid, `${path}/`]);
      else out.set(path, { mode: mode.padStart(6, "0"), oid });
    }
    for (const [oid, p] of subtrees) await this.#walk(oid, p, out);
  }

  close(): void {
    this.#child?.stdin.end();
    this.#child = null;
  }

  #start(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.#child) return this.#child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.dir, stdio: ["pipe", "pipe", "ignore"] });
    this.#child = child;
    child.stdout.on("data", (b: Buffer) => { this.#buf = Buffer.concat([this.#buf, b]); this.#drain(); });
    const fail = (e: Error) => { for (const w of this.#waiting.splice(0)) w.reject(e); };
    child.on("error", fail);
    child.on("close", (code) => fail(new Error(`git cat-file --batch in ${this.dir} exited (${code})`)));
    child.stdin.on("error", () => {});
    return child;
  }

  /** `<oid> <type> <size>\n<body>\n`, or `<oid> missing\n` (git-cat-file(1), BATCH OUTPUT). */
  #drain(): void {
    while (this.#waiting.length) {
      const nl = this.#buf.indexOf(10);
      if (nl < 0) return;
      const header = this.#buf.subarray(0, nl).toString("latin1").split(" ");
      if (header[1] === "missing") {
        this.#buf = this.#buf.subarray(nl + 1);
        this.#waiting.shift()!.resolve(null);
        continue;
      }
      const size = Number(header[2]);
      if (this.#buf.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.#buf.subarray(nl + 1, nl + 1 + size));
      this.#buf = this.#buf.subarray(nl + 1 + size + 1);
      this.#waiting.shift()!.resolve({ type: header[1]!, body });
    }
  }
}
