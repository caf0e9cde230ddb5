// What a Herald merge promises, checked from the commits alone (never from what the merge says it
// did, except to know which paths it calls conflicts). `M` is the merge, `P1` and `P2` its parents,
// the bases their merge bases (two or more in a criss-cross).
//  - no conflict marker line in M that neither parent has (the fuzzer's people never write one,
//    but a person's own `git merge` may keep one it took from the other side);
//  - every line a parent wrote since the bases is in M (lines are unique in a case, so this is
//    "nothing lost", for clean merges and conflicts alike, through renames);
//  - every symlink and gitlink a parent wrote is in M, exactly; every mode a parent gave a file
//    (a file is known by its first line, `id <n>`) is in M for that file;
//  - at each conflicting path M names: each parent's entry there is in M, at the path or as a
//    variant of it; whatever is at the path is exactly one parent's version; every variant is
//    exactly one parent's version, never a merge attempt.
import { gitRun, type Entry, type Tree } from "./git.js";
import { Objects } from "./objects.js";
import { EXEC, FILE, GITLINK, SYMLINK } from "./history.js";

/**
 * The rule that a conflicting path keeps one side's version at its name (the others beside it as
 * variants), as Herald's merge does (keep-both.ts keeperOf). The `pathKeepsAVersion` option can
 * turn it off, to fuzz a merge built to the older rule.
 */
export const PATH_KEEPS_A_VERSION = true;

export const HERALD_EMAIL = "herald@localhost";

interface Conflict { path: string; kind: string; variants: Array<{ file: string; from: string }> }

export interface CommitFacts { sha: string; email: string; parents: string[]; conflicts: Conflict[] }

const MARKER = /^(?:<{7,}|>{7,})(?: |$)/;
const VARIANT = /\.variant-[0-9a-f]{8,64}(?=\.[^./]*$|$)/;
const key = (e: Entry) => `${e.mode} ${e.oid}`;
const regular = (e: Entry) => e.mode === FILE || e.mode === EXEC;

/** The path a variant file stands for (`a/b.variant-1234abcd.txt` → `a/b.txt`), as Herald names them. */
export function variantOriginal(path: string): string {
  const slash = path.lastIndexOf("/");
  return path.slice(0, slash + 1) + path.slice(slash + 1).replace(VARIANT, "");
}

/** Trees, blob lines and commit facts of one case's repository, each read once (objects.ts). */
export class Reader {
  readonly #trees = new Map<string, Promise<Tree>>();
  readonly #lines = new Map<string, string[]>();
  readonly #objects: Objects;
  constructor(readonly dir: string) { this.#objects = new Objects(dir); }

  tree(commit: string): Promise<Tree> {
    let t = this.#trees.get(commit);
    if (!t) this.#trees.set(commit, (t = this.#objects.tree(commit)));
    return t;
  }

  /** The lines of every regular blob of the trees. */
  async load(trees: Tree[]): Promise<void> {
    const want = [...new Set(trees.flatMap((t) => [...t.values()].filter(regular).map((e) => e.oid)))].filter((o) => !this.#lines.has(o));
    const bodies = await Promise.all(want.map((oid) => this.#objects.must(oid, "blob")));
    want.forEach((oid, i) => this.#lines.set(oid, bodies[i]!.toString("utf8").split("\n").filter(Boolean)));
  }

  lines(oid: string): string[] { return this.#lines.get(oid) ?? []; }

  /** The commit's author email, parents and the conflicts its message records (git's commit object format). */
  async commit(sha: string): Promise<CommitFacts> {
    const text = (await this.#objects.must(sha, "commit")).toString("utf8");
    const end = text.indexOf("\n\n");
    const head = text.slice(0, end < 0 ? text.length : end).split("\n");
    const message = end < 0 ? "" : text.slice(end + 2);
    const parents = head.filter((l) => l.startsWith("parent ")).map((l) => l.slice(7));
    const email = /^author .*<([^>]*)>/.exec(head.find((l) => l.startsWith("author ")) ?? "")?.[1] ?? "";
    const conflicts: Conflict[] = [];
    for (const l of message.split("\n")) if (l.startsWith("herald-conflict: ")) conflicts.push(JSON.parse(l.slice(17)) as Conflict);
    return { sha, email, parents, conflicts };
  }

  close(): void { this.#objects.close(); }
}

/** Problems with Herald merge `m` (parents `p1`, `p2`); none when it keeps its promises. */
export async function checkMerge(rd: Reader, m: CommitFacts, opts: { pathKeepsAVersion: boolean }): Promise<{ problems: string[]; bases: number }> {
  const [p1, p2] = m.parents as [string, string];
  const bases = (await gitRun(rd.dir, ["merge-base", "--all", p1, p2])).split("\n").filter(Boolean);
  const M = await rd.tree(m.sha);
  const sides = [await rd.tree(p1), await rd.tree(p2)];
  const baseTrees = await Promise.all(bases.map((b) => rd.tree(b)));
  await rd.load([M, ...sides, ...baseTrees]);
  const problems: string[] = [];
  const allLines = (ts: Tree[]) => new Set(ts.flatMap((t) => [...t.values()].filter(regular).flatMap((e) => rd.lines(e.oid))));
  const entryKeys = (ts: Tree[]) => new Set(ts.flatMap((t) => [...t.values()].map(key)));
  const modesOf = (ts: Tree[]) => new Set(ts.flatMap((t) => [...t.values()].filter(regular).map((e) => `${identity(rd, e)} ${e.mode}`)));
  const inM = allLines([M]), inSides = allLines(sides), inBases = allLines(baseTrees);
  const mKeys = entryKeys([M]), baseKeys = entryKeys(baseTrees), sideKeys = entryKeys(sides);
  const mModes = modesOf([M]), baseModes = modesOf(baseTrees);
  const idsOf = (ts: Tree[]) => new Set(ts.flatMap((t) => [...t.values()].filter(regular).map((e) => identity(rd, e))));
  const baseIds = idsOf(baseTrees);
  const modeAt = (ts: Tree[], path: string, mode: string) => ts.some((t) => { const x = t.get(path); return x !== undefined && regular(x) && x.mode === mode; });
  // git merges a path's mode and content apart (merge-ort: a mode change on one side and a content
  // change on the other is clean). Where one side wrote a new file over the path (a file made a
  // directory and back) and the other changed its mode, the merge holds the new file with that
  // mode: the new file kept the path's mode (it gave none), and the mode is at the path, on the
  // file that replaced the one it was given to (fuzz seed 2026 case 6489; in case 9896 the file
  // given the mode lives on elsewhere too, as the version an earlier conflict kept at its name).
  const modeKeptAtPath = (id: string, path: string, mode: string) =>
    (!baseIds.has(id) && modeAt(baseTrees, path, mode)) || modeAt([M], path, mode);

  for (const [path, e] of M) {
    if (!regular(e)) continue;
    const foreign = rd.lines(e.oid).filter((l) => MARKER.test(l) && !inSides.has(l));
    if (foreign.length) problems.push(`conflict markers neither side wrote in ${JSON.stringify(path)}: ${JSON.stringify(foreign[0])}`);
  }
  for (const [i, side] of sides.entries()) {
    const who = `parent ${i + 1} (${m.parents[i]!.slice(0, 12)})`;
    for (const [path, e] of side) {
      if (regular(e)) {
        const lost = rd.lines(e.oid).filter((l) => !inBases.has(l) && !inM.has(l));
        if (lost.length) problems.push(`${who}: ${lost.length} line(s) it wrote in ${JSON.stringify(path)} are nowhere in the merge, e.g. ${JSON.stringify(lost[0])}`);
        const id = identity(rd, e);
        if (id && !baseModes.has(`${id} ${e.mode}`) && !mModes.has(`${id} ${e.mode}`) && !modeKeptAtPath(id, path, e.mode)) problems.push(`${who}: mode ${e.mode} it gave ${JSON.stringify(path)} (${id}) is lost`);
      } else if ((e.mode === SYMLINK || e.mode === GITLINK) && !baseKeys.has(key(e)) && !mKeys.has(key(e))) {
        problems.push(`${who}: its ${e.mode === SYMLINK ? "symlink" : "gitlink"} ${JSON.stringify(path)} (${key(e)}) is nowhere in the merge`);
      }
    }
  }
  for (const c of m.conflicts) problems.push(...checkConflict(c, M, sides, sideKeys, opts));
  return { problems, bases: bases.length };
}

/** The gitlinks of `t` that its .gitmodules maps to no submodule (`git submodule status` fails
 * on them: "no submodule mapping found"). The tree's blobs must be loaded (Reader.load). */
export function unmappedGitlinks(rd: Reader, t: Tree): string[] {
  const file = t.get(".gitmodules");
  const mapped = new Set(file && regular(file) ? rd.lines(file.oid).flatMap((l) => {
    const v = /^\s*path\s*=\s*(.*?)\s*$/.exec(l)?.[1];
    return v === undefined ? [] : [v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n" })[c] ?? c) : v];
  }) : []);
  return [...t].filter(([path, e]) => e.mode === GITLINK && !mapped.has(path)).map(([path]) => path);
}

function checkConflict(c: Conflict, M: Tree, sides: Tree[], sideKeys: Set<string>, opts: { pathKeepsAVersion: boolean }): string[] {
  const problems: string[] = [];
  const name = JSON.stringify(c.path);
  const kept = new Set([...M].filter(([p]) => p === c.path || (p !== variantOriginal(p) && variantOriginal(p) === c.path)).map(([, e]) => key(e)));
  // .gitmodules is Herald's to extend (a mapping for each submodule variant): not one side's version.
  const gitmodules = c.path.split("/").pop() === ".gitmodules";
  for (const [i, side] of sides.entries()) {
    const e = side.get(c.path);
    if (e && !gitmodules && !kept.has(key(e))) problems.push(`conflict at ${name} (${c.kind}): parent ${i + 1}'s version (${key(e)}) is neither at the path nor a variant of it`);
  }
  const at = M.get(c.path);
  if (at && !gitmodules && !sideKeys.has(key(at))) problems.push(`conflict at ${name} (${c.kind}): what is at the path (${key(at)}) is neither side's version`);
  for (const v of c.variants) {
    const e = M.get(v.file);
    if (!e) problems.push(`conflict at ${name}: variant ${JSON.stringify(v.file)} is not in the merge`);
    else if (!gitmodules && !sideKeys.has(key(e))) problems.push(`conflict at ${name}: variant ${JSON.stringify(v.file)} (${key(e)}) is neither side's version (a merge attempt?)`);
  }
  if (opts.pathKeepsAVersion) problems.push(...checkPathKeepsAVersion(c, M));
  return problems;
}

/** The stricter rule (PATH_KEEPS_A_VERSION): a conflicting path still holds a version, unless a directory won it. */
export function checkPathKeepsAVersion(c: Conflict, M: Tree): string[] {
  if (M.has(c.path)) return [];
  if ([...M.keys()].some((p) => p.startsWith(`${c.path}/`))) return []; // file/directory: the directory kept the name
  return [`conflict at ${JSON.stringify(c.path)} (${c.kind}): nothing is left at the path`];
}

/** A fuzzer-written file's name: its first line (`id <n>`). */
function identity(rd: Reader, e: Entry): string | null {
  const first = rd.lines(e.oid)[0];
  return first?.startsWith("id ") ? first : null;
}
