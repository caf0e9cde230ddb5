// Trees read through the clone's cat-file process (cat-file.ts) instead of a git process per
// question. A merge step read four trees with `git ls-tree -r`, diffed two with `git diff-tree`
// and looked paths up with `git rev-parse`: ten or so processes, each 10-15 ms to start on this
// 2-core machine and many times that when every clone of a mesh merges at once, which was most of
// a merge's time (npm run bench -- --only=storm). Trees never change, and the trees of one step's
// parents and result share most of their subtrees: each is read once and kept (a few thousand).
import type { GitObject } from "./cat-file.js";
import type { TreeEntry } from "./keep-both.js";

/** One entry of a tree object: its mode as git prints it (canonMode), its name, its id. */
export interface RawEntry { mode: string; name: string; oid: string }

const TREE = "40000";
/** Trees kept, whatever their size: a merge revisits the same few hundred. */
const CACHE = 4096;

/**
 * git's tree object: `<octal mode> <name>\0<id>` repeated, the id in binary (20 bytes for sha1,
 * 32 for sha256, as the tree's own id says). Pure.
 */
export function parseTree(body: Buffer, idBytes: number): RawEntry[] {
  const out: RawEntry[] = [];
  for (let i = 0; i < body.length;) {
    const sp = body.indexOf(0x20, i), nul = body.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 1 + idBytes > body.length) throw new Error(`a tree object is cut short at byte ${i}`);
    out.push({ mode: canonMode(parseInt(body.toString("latin1", i, sp), 8)), name: body.toString("utf8", sp + 1, nul), oid: body.toString("hex", nul + 1, nul + 1 + idBytes) });
    i = nul + 1 + idBytes;
  }
  return out;
}

/** git's canon_mode: a regular file is 100644 or 100755 by its owner's x bit, whatever else was stored. */
export function canonMode(mode: number): string {
  const type = mode & 0o170000;
  if (type === 0o100000) return mode & 0o100 ? "100755" : "100644";
  if (type === 0o120000) return "120000";
  if (type === 0o040000) return TREE;
  return "160000";
}

export class TreeReader {
  readonly #trees = new Map<string, Promise<RawEntry[]>>();

  constructor(private readonly read: (oid: string) => Promise<GitObject | null>) {}

  /** Every entry below `treeish` (a commit or a tree), trees left out: `git ls-tree -r --full-tree`, in its order. */
  async entries(treeish: string): Promise<TreeEntry[]> {
    const out: TreeEntry[] = [];
    await this.#flatten(await this.#root(treeish), "", out);
    return out;
  }

  /** path → `mode oid` of each entry of `after` that `before` does not hold at that path:
   * `git diff-tree -r --no-renames before after`'s added, modified and type-changed entries. */
  async changed(before: string, after: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.#diff(await this.#root(before), await this.#root(after), "", out);
    return out;
  }

  /** One tree's own entries (`git ls-tree tree`), in its order. */
  list(tree: string): Promise<RawEntry[]> {
    return this.#tree(tree);
  }

  /** The entry at `path` in `treeish` (`git rev-parse treeish:path`), null when there is none. */
  async at(treeish: string, path: string): Promise<{ mode: string; oid: string } | null> {
    let entry: { mode: string; oid: string } = { mode: TREE, oid: await this.#root(treeish) };
    for (const name of path.split("/")) {
      if (entry.mode !== TREE) return null;
      const found = (await this.#tree(entry.oid)).find((e) => e.name === name);
      if (!found) return null;
      entry = found;
    }
    return entry;
  }

  async #flatten(tree: string, prefix: string, out: TreeEntry[]): Promise<void> {
    const entries = await this.#tree(tree);
    // Read the subtrees at once (the cat-file process answers in order), then list in order.
    const subtrees = entries.map((e) => (e.mode === TREE ? this.#tree(e.oid) : null));
    await Promise.all(subtrees);
    for (const e of entries) {
      if (e.mode === TREE) await this.#flatten(e.oid, `${prefix}${e.name}/`, out);
      else out.push({ mode: e.mode, oid: e.oid, path: prefix + e.name });
    }
  }

  async #diff(before: string | null, after: string, prefix: string, out: Map<string, string>): Promise<void> {
    if (before === after) return;
    const [was, now] = await Promise.all([before ? this.#tree(before) : Promise.resolve([]), this.#tree(after)]);
    const old = new Map(was.map((e) => [e.name, e]));
    await Promise.all(now.map(async (e) => {
      const o = old.get(e.name);
      if (o && o.mode === e.mode && o.oid === e.oid) return;
      if (e.mode === TREE) await this.#diff(o?.mode === TREE ? o.oid : null, e.oid, `${prefix}${e.name}/`, out);
      else out.set(prefix + e.name, `${e.mode} ${e.oid}`);
    }));
  }

  /** The root tree of a commit (or a tree itself). */
  async #root(treeish: string): Promise<string> {
    const o = await this.read(treeish);
    if (!o) throw new Error(`no object ${treeish} in this repository`);
    if (o.type === "tree") {
      this.#keep(treeish, Promise.resolve(parseTree(o.body, treeish.length / 2)));
      return treeish;
    }
    if (o.type !== "commit") throw new Error(`${treeish} is a ${o.type}, not a commit or a tree`);
    const tree = /^tree ([0-9a-f]{40,64})\n/.exec(o.body.toString("latin1", 0, 80))?.[1];
    if (!tree) throw new Error(`commit ${treeish} names no tree`);
    return tree;
  }

  #tree(oid: string): Promise<RawEntry[]> {
    const known = this.#trees.get(oid);
    if (known) return known;
    const p = this.read(oid).then((o) => {
      if (o?.type !== "tree") throw new Error(`tree ${oid} is not in this repository`);
      return parseTree(o.body, oid.length / 2);
    });
    p.catch(() => this.#trees.delete(oid)); // a failed read is not kept
    this.#keep(oid, p);
    return p;
  }

  #keep(oid: string, p: Promise<RawEntry[]>): void {
    if (this.#trees.has(oid)) return;
    this.#trees.set(oid, p);
    if (this.#trees.size > CACHE) this.#trees.delete(this.#trees.keys().next().value!);
  }
}
