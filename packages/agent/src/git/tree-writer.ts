// A merge step's edits (keep-both.ts: a variant added, a conflicted path removed) written into a
// tree through one `git mktree --batch -z` process for the whole fold, instead of three git
// processes per step (`read-tree` into a private index, `update-index --index-info`, `write-tree`).
// In a storm those three were a third of the time the agents' event loops spent blocked starting
// processes (V8 profiles of npm run bench -- --only=storm: a spawn copies the agent's page tables,
// and on a saturated machine waits for the child to reach exec).
//
// Only the trees on the edited paths are written again; git writes them (mktree sorts the entries
// and checks each object is there), so the result is the tree write-tree would make from the
// index: the same rules as `update-index --index-info` (which allows adding, replacing and
// removing): an entry added where a directory was replaces the directory, one added below a file
// replaces the file, removing a path that is not a file's is nothing, and a directory left empty
// is gone.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { isSha } from "@herald/protocol";
import type { IndexEdit } from "./keep-both.js";
import type { RawEntry } from "./tree-reader.js";

const TREE = "40000";

/** A directory being edited: its entries by name, a subdirectory opened for edits as a Dir. */
interface Dir { entries: Map<string, RawEntry | Dir> }

const isDir = (e: RawEntry | Dir | undefined): e is Dir => e !== undefined && "entries" in e;

export class TreeWriter {
  #child: ChildProcessByStdio<Writable, Readable, Readable> | null = null;
  #waiting: Array<{ resolve: (oid: string) => void; reject: (e: Error) => void }> = [];
  #out = "";
  #failed: Error | null = null;

  /** `list`: a tree's entries (TreeReader.list); `cwd`: the clone. */
  constructor(private readonly cwd: string, private readonly list: (tree: string) => Promise<RawEntry[]>) {}

  /** `tree` with `edits` applied in order, as git's index would apply them; its id. */
  async apply(tree: string, edits: readonly IndexEdit[]): Promise<string> {
    const root: Dir = await this.#open(tree);
    for (const e of edits) {
      const names = e.path.split("/");
      const name = names.pop()!;
      const dir = await this.#walk(root, names, e.op === "add");
      if (!dir) continue; // removing below a path that is no directory: nothing to remove
      if (e.op === "add") dir.entries.set(name, { mode: e.mode, name, oid: e.oid });
      else {
        const there = dir.entries.get(name);
        if (there && !isDir(there) && there.mode !== TREE) dir.entries.delete(name); // a file's path only
      }
    }
    return (await this.#write(root)) ?? (await this.#mktree([]));
  }

  /** Ends the process (a fold's last step is written). */
  close(): void {
    this.#child?.stdin.end();
    this.#child = null;
  }

  async #open(tree: string): Promise<Dir> {
    return { entries: new Map((await this.list(tree)).map((e) => [e.name, e])) };
  }

  /** The directory at `names` below `dir`, opened for edits; made (over a file) when `make`. */
  async #walk(dir: Dir, names: string[], make: boolean): Promise<Dir | null> {
    for (const name of names) {
      const e = dir.entries.get(name);
      let next: Dir;
      if (isDir(e)) next = e;
      else if (e?.mode === TREE) next = await this.#open(e.oid);
      else if (make) next = { entries: new Map() };
      else return null;
      dir.entries.set(name, next);
      dir = next;
    }
    return dir;
  }

  /** Writes the directories opened below `dir` and `dir` itself; null when it is left empty. */
  async #write(dir: Dir): Promise<string | null> {
    const entries: RawEntry[] = [];
    for (const [name, e] of dir.entries) {
      if (!isDir(e)) { entries.push(e); continue; }
      const oid = await this.#write(e);
      if (oid) entries.push({ mode: TREE, name, oid });
    }
    return entries.length ? this.#mktree(entries) : null;
  }

  #mktree(entries: RawEntry[]): Promise<string> {
    if (this.#failed) return Promise.reject(this.#failed);
    const child = this.#start();
    const type = (mode: string) => (mode === TREE ? "tree" : mode === "160000" ? "commit" : "blob");
    // -z: each entry ends in NUL (a name may hold a newline), an empty one ends the tree.
    const input = entries.map((e) => `${e.mode} ${type(e.mode)} ${e.oid}\t${e.name}\0`).join("") + "\0";
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      child.stdin.write(input);
    });
  }

  #start(): ChildProcessByStdio<Writable, Readable, Readable> {
    if (this.#child) return this.#child;
    const child = spawn("git", ["mktree", "--batch", "-z"], { cwd: this.cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.#child = child;
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => { stderr += b.toString(); });
    child.stdout.on("data", (b: Buffer) => {
      this.#out += b.toString("latin1");
      for (let nl = this.#out.indexOf("\n"); nl >= 0; nl = this.#out.indexOf("\n")) {
        const oid = this.#out.slice(0, nl);
        this.#out = this.#out.slice(nl + 1);
        const w = this.#waiting.shift();
        const line: string = oid;
        if (isSha(oid)) w?.resolve(oid);
        else w?.reject(new Error(`git mktree: unexpected output ${JSON.stringify(line.slice(0, 80))}`));
      }
    });
    const fail = (e: Error) => {
      this.#failed = e;
      this.#child = null;
      for (const w of this.#waiting.splice(0)) w.reject(e);
    };
    child.on("error", fail);
    child.on("close", (code) => { if (code !== 0 || this.#waiting.length) fail(new Error(`git mktree exited (${code}): ${stderr.trim().slice(0, 300)}`)); });
    child.stdin.on("error", () => undefined); // EPIPE once it died: "close" reports it
    return child;
  }
}
