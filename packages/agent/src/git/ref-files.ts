// Reads HEAD and refs straight from the files git keeps them in (gitrepository-layout(5)): a loose
// ref is a file holding one object id, `packed-refs` holds the rest, and a loose ref wins over a
// packed one. The hot path asks "what is HEAD, what did peers push" several times per commit;
// each answer from `git rev-parse` is a process (2–5 ms, more under load), each answer from
// here is one read. git renames `<ref>.lock` over a ref, so a read sees the old or the new value,
// never half of one.
//
// The reads are synchronous on purpose: a ref is one small file on a local disk, read in a few
// microseconds, while fs/promises spends a file handle and four thread-pool round trips on it
// (profiled: with ten agents, more main-thread time than everything else Herald does per commit).
//
// Anything this reader cannot vouch for answers `undefined` and the caller asks git instead:
// linked worktrees (`commondir`), the reftable format, a symbolic ref other than HEAD's, a file
// that does not hold an object id.
import { existsSync, readdirSync, readFileSync, statSync, type Dirent, type Stats } from "node:fs";
import { join } from "node:path";
import { isSha } from "@herald/protocol";

/** What `.git/HEAD` says: the branch it points at, or a detached commit. Null: unreadable. */
export function parseHeadFile(text: string): { ref: string } | { sha: string } | null {
  const line = text.replace(/\n$/, "");
  if (line.startsWith("ref: ")) {
    const ref = line.slice(5);
    return /^refs\/[^\n]+$/.test(ref) ? { ref } : null;
  }
  return isSha(line) ? { sha: line } : null;
}

/** `packed-refs`: "<oid> <refname>" lines; "#" is the header, "^<oid>" a peeled tag. */
export function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#") || line.startsWith("^")) continue;
    const i = line.indexOf(" ");
    const sha = line.slice(0, i);
    if (i > 0 && isSha(sha)) refs.set(line.slice(i + 1), sha);
  }
  return refs;
}

type Loose = { sha: string } | { symref: string } | "absent" | "odd";

export class RefFiles {
  /** False when this layout is one the reader does not handle; every answer is then `undefined`. */
  readonly usable: boolean;
  #packed: { key: string; refs: Map<string, string> } | null = null;

  constructor(private readonly gitDir: string) {
    this.usable = !existsSync(join(gitDir, "commondir")) && !existsSync(join(gitDir, "reftable"));
  }

  /** The branch HEAD points at (null when detached) and its commit (null when unborn), from one
   * read of HEAD; undefined when unsure. */
  async headState(): Promise<{ ref: string | null; sha: string | null } | undefined> {
    if (!this.usable) return undefined;
    const head = parseHeadFile(readText(join(this.gitDir, "HEAD")) ?? "");
    if (!head) return undefined;
    if ("sha" in head) return { ref: null, sha: head.sha };
    const sha = await this.resolve(head.ref);
    return sha === undefined ? undefined : { ref: head.ref, sha };
  }

  /** The branch HEAD points at (`refs/...`), null when detached, undefined when unsure. */
  async headRef(): Promise<string | null | undefined> {
    if (!this.usable) return undefined;
    const head = parseHeadFile(readText(join(this.gitDir, "HEAD")) ?? "");
    if (!head) return undefined;
    return "ref" in head ? head.ref : null;
  }

  /** HEAD's commit id, null on an unborn branch, undefined when unsure. */
  async head(): Promise<string | null | undefined> {
    return (await this.headState())?.sha;
  }

  /** The object id a ref holds (one symbolic hop followed), null when there is no such ref. */
  async resolve(ref: string, hops = 1): Promise<string | null | undefined> {
    if (!this.usable || ref.includes("..") || ref.endsWith(".lock")) return undefined;
    const loose = await this.#loose(ref);
    if (loose === "odd") return undefined;
    if (loose === "absent") {
      const packed = await this.#packedRefs();
      return packed === undefined ? undefined : (packed.get(ref) ?? null);
    }
    if ("sha" in loose) return loose.sha;
    return hops > 0 ? this.resolve(loose.symref, hops - 1) : undefined;
  }

  /** Every ref under `prefix` (ending in "/") as name → id, like `git for-each-ref <prefix>`. */
  async list(prefix: string): Promise<Map<string, string> | undefined> {
    if (!this.usable || !prefix.endsWith("/") || prefix.includes("..")) return undefined;
    // Loose refs first, then packed-refs, as git reads them: `git pack-refs` writes packed-refs
    // before it deletes the loose files, so a ref moving between the two is seen in one of them.
    const names: string[] = [];
    await this.#walk(prefix.slice(0, -1), names);
    const out = new Map<string, string>();
    for (const name of names) {
      const loose = await this.#loose(name);
      if (loose === "odd") return undefined;
      if (loose === "absent") continue; // deleted (or packed) since the walk
      const sha = "sha" in loose ? loose.sha : await this.resolve(loose.symref, 0);
      if (sha === undefined) return undefined;
      if (sha !== null) out.set(name, sha);
    }
    const packed = await this.#packedRefs();
    if (packed === undefined) return undefined;
    for (const [name, sha] of packed) if (name.startsWith(prefix) && !out.has(name)) out.set(name, sha);
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  async #walk(dir: string, names: string[]): Promise<void> {
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(join(this.gitDir, dir), { withFileTypes: true });
    } catch {
      // gone (a pruned ref directory): nothing under it
    }
    for (const e of entries) {
      const name = `${dir}/${e.name}`;
      if (e.isDirectory()) await this.#walk(name, names);
      else if (e.isFile() && !e.name.endsWith(".lock")) names.push(name);
    }
  }

  async #loose(ref: string): Promise<Loose> {
    let text: string;
    try {
      text = readFileSync(join(this.gitDir, ref), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR/EISDIR: a path prefix is a file, or the ref is a directory: not a loose ref.
      return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR" ? "absent" : "odd";
    }
    const line = text.trim();
    if (line.startsWith("ref: refs/")) return { symref: line.slice(5) };
    if (isSha(line)) return { sha: line };
    return "odd"; // empty (a writer's crash) or foreign: let git decide
  }

  /** packed-refs, read again only when the file changed (git replaces it by rename: new inode). */
  async #packedRefs(): Promise<Map<string, string> | undefined> {
    const path = join(this.gitDir, "packed-refs");
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT" ? new Map() : undefined;
    }
    const key = `${st.ino} ${st.size} ${st.mtimeMs}`;
    if (this.#packed?.key === key) return this.#packed.refs;
    const text = readText(path);
    if (text === null) return undefined;
    const refs = parsePackedRefs(text);
    this.#packed = { key, refs };
    return refs;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
