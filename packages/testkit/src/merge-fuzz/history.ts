// A person's random commit on one clone of a fuzz case: edits, new files, deletes, renames of
// files and directories, +x and -x, symlinks, a file made a directory and back, submodule
// pointers, odd names. Every line ever written is unique in the case (`l<n>`) and every file's
// first line names it (`id <n>`, never edited), so the checks can tell, without trusting the
// merge, which side wrote what and where a renamed file went.
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, symlink, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { seededRandom } from "@herald/planner";
import { gitExec, gitRun, type Clock } from "./git.js";

export interface Rng { next(): number; int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean }

export function makeRng(seed: number): Rng {
  const next = seededRandom(seed);
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)]!, chance: (p) => next() < p };
}

// Spaces, unicode, a leading dash, a tab, two names that differ only in case; a newline is rarer.
const DIRS = ["a", "src", "docs", "my dir", "naïve", "-opt", "Data", "data"];
const NAMES = ["f", "notes", "read me", "日本語", "-rf", "x\ty", "Main", "main", "ünï", ".hidden"];
const EXTS = ["", ".txt", ".md", ".sh"];

export const GITLINK = "160000", SYMLINK = "120000", EXEC = "100755", FILE = "100644";

/** Everything a case writes: the unique line counter and the random stream. */
export class Writer {
  #n = 0;
  constructor(readonly rng: Rng, readonly clock: Clock) {}
  line(): string { return `l${++this.#n} ${this.rng.pick(["alpha", "beta", "gamma", "delta"])}`; }
  body(): string {
    const lines = [`id ${++this.#n}`];
    for (let i = this.rng.int(1, 5); i > 0; i--) lines.push(this.line());
    return lines.join("\n") + "\n";
  }
  sha(): string { return Array.from({ length: 40 }, () => "0123456789abcdef"[this.rng.int(0, 15)]).join(""); }
  path(): string {
    const r = this.rng;
    const dirs = Array.from({ length: r.pick([0, 0, 1, 1, 2]) }, () => r.pick(DIRS));
    const name = r.chance(0.02) ? "new\nline" : `${r.pick(NAMES)}${r.chance(0.3) ? r.int(1, 9) : ""}${r.pick(EXTS)}`;
    return [...dirs, name].join("/");
  }
}

/** True when `p` can be created: nothing at it, under it, or at a directory above it. */
function free(state: Map<string, string>, p: string): boolean {
  if (state.has(p)) return false;
  for (const k of state.keys()) if (k.startsWith(`${p}/`)) return false;
  for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) if (state.has(p.slice(0, i))) return false;
  return true;
}

/** The directories holding tracked paths, and none of them a gitlink (moving an empty directory moves no submodule). */
function dirsOf(state: Map<string, string>): string[] {
  const dirs = new Set<string>();
  for (const p of state.keys()) for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  return [...dirs].filter((d) => ![...state].some(([p, m]) => m === GITLINK && p.startsWith(`${d}/`))).sort();
}

/** Regular files the fuzzer wrote (not `.gitmodules` nor a variant of it: git config writes those). */
const ours = (p: string) => !p.split("/").pop()!.startsWith(".gitmodules");

async function writeNew(dir: string, p: string, body: string, mode = FILE): Promise<void> {
  await mkdir(dirname(join(dir, p)), { recursive: true });
  await writeFile(join(dir, p), body, { mode: mode === EXEC ? 0o755 : 0o644 });
  await chmod(join(dir, p), mode === EXEC ? 0o755 : 0o644);
}

/** Removes a path's empty parent directories (git does not track them; they would block a file there). */
async function prune(dir: string, p: string): Promise<void> {
  for (let d = dirname(p); d !== "."; d = dirname(d)) {
    const entries = await readdir(join(dir, d)).catch(() => null);
    if (!entries || entries.length) return;
    await rmdir(join(dir, d));
  }
}

async function edit(w: Writer, dir: string, p: string): Promise<void> {
  const lines = (await readFile(join(dir, p), "utf8")).split("\n").slice(0, -1);
  const at = w.rng.int(1, Math.max(1, lines.length - 1));
  const kind = lines.length > 1 ? w.rng.pick(["insert", "delete", "replace"]) : "insert";
  if (kind === "insert") lines.splice(w.rng.int(1, lines.length), 0, w.line());
  else if (kind === "delete") lines.splice(at, 1);
  else lines[at] = w.line();
  await writeFile(join(dir, p), lines.join("\n") + "\n");
}

type Op = () => Promise<unknown>;

/** One random change to the clone's work tree (and index, for a gitlink); `state` follows it. */
async function change(w: Writer, dir: string, state: Map<string, string>): Promise<void> {
  const r = w.rng;
  const files = [...state].filter(([p, m]) => (m === FILE || m === EXEC) && ours(p)).map(([p]) => p).sort();
  const links = [...state].filter(([, m]) => m === SYMLINK).map(([p]) => p).sort();
  const gitlinks = [...state].filter(([, m]) => m === GITLINK).map(([p]) => p).sort();
  const movable = [...files, ...links];
  const fresh = () => { for (let i = 0; i < 6; i++) { const p = w.path(); if (free(state, p)) return p; } return null; };
  const ops: Array<[number, Op | null]> = [
    [50, files.length ? () => edit(w, dir, r.pick(files)) : null],
    [12, async () => {
      const p = fresh(); if (!p) return;
      const mode = r.chance(0.2) ? EXEC : FILE;
      await writeNew(dir, p, w.body(), mode); state.set(p, mode);
    }],
    [8, movable.length ? async () => {
      const p = r.pick(movable); await rm(join(dir, p), { force: true }); await prune(dir, p); state.delete(p);
    } : null],
    [12, movable.length ? async () => {
      const p = r.pick(movable);
      const base = p.split("/").pop()!;
      // a case-only rename now and then (Main → MAIN), else anywhere free
      const q = r.chance(0.15) && base.toUpperCase() !== base ? `${p.slice(0, p.length - base.length)}${base.toUpperCase()}` : fresh();
      if (!q || !free(state, q)) return;
      await mkdir(dirname(join(dir, q)), { recursive: true });
      await rename(join(dir, p), join(dir, q)); await prune(dir, p);
      state.set(q, state.get(p)!); state.delete(p);
      if (state.get(q) !== SYMLINK && r.chance(0.4)) await edit(w, dir, q);
    } : null],
    [5, dirsOf(state).length ? async () => {
      const d = r.pick(dirsOf(state));
      const e = r.chance(0.5) ? `${d}2` : r.pick(DIRS) + (r.chance(0.5) ? `/${r.pick(DIRS)}` : "");
      const moving = [...state.keys()].filter((p) => p.startsWith(`${d}/`));
      if (e === d || e.startsWith(`${d}/`) || !free(state, e) || moving.some((p) => !free(state, e + p.slice(d.length)))) return;
      for (const p of moving) {
        const q = e + p.slice(d.length);
        await mkdir(dirname(join(dir, q)), { recursive: true });
        await rename(join(dir, p), join(dir, q));
        state.set(q, state.get(p)!); state.delete(p);
      }
      await rm(join(dir, d), { recursive: true, force: true }); await prune(dir, d);
    } : null],
    [8, files.length ? async () => {
      const p = r.pick(files); const exec = state.get(p) === EXEC;
      await chmod(join(dir, p), exec ? 0o644 : 0o755); state.set(p, exec ? FILE : EXEC);
    } : null],
    [7, async () => {
      const target = r.chance(0.5) && movable.length ? r.pick(movable) : `nowhere-${w.line().split(" ")[0]}`;
      const p = r.chance(0.4) && links.length ? r.pick(links) : r.chance(0.3) && files.length ? r.pick(files) : fresh();
      if (!p) return;
      await rm(join(dir, p), { force: true });
      await mkdir(dirname(join(dir, p)), { recursive: true });
      await symlink(target, join(dir, p)); state.set(p, SYMLINK);
    }],
    [3, movable.length ? async () => {
      const p = r.pick(movable); await unlink(join(dir, p)); state.delete(p);
      const q = `${p}/${r.pick(NAMES)}${r.pick(EXTS)}`;
      await writeNew(dir, q, w.body()); state.set(q, FILE);
    } : null],
    [3, dirsOf(state).length ? async () => {
      const d = r.pick(dirsOf(state));
      await rm(join(dir, d), { recursive: true, force: true });
      for (const p of [...state.keys()]) if (p.startsWith(`${d}/`)) state.delete(p);
      await writeNew(dir, d, w.body()); state.set(d, FILE);
    } : null],
    [3, async () => {
      // A submodule pointer: a new one (mapped in .gitmodules), or an existing one moved on.
      const p = gitlinks.length && r.chance(0.6) ? r.pick(gitlinks) : r.pick(["sub1", "sub2", "lib/sub3"]);
      if (!gitlinks.includes(p) && !free(state, p)) return;
      await mkdir(join(dir, p), { recursive: true });
      await gitRun(dir, ["update-index", "--add", "--cacheinfo", `${GITLINK},${w.sha()},${p}`]);
      if (!gitlinks.includes(p)) {
        await gitRun(dir, ["config", "-f", ".gitmodules", `submodule.${p}.path`, p]);
        await gitRun(dir, ["config", "-f", ".gitmodules", `submodule.${p}.url`, `https://example.org/${p}.git`]);
        state.set(".gitmodules", FILE);
      }
      state.set(p, GITLINK);
    }],
    [2, gitlinks.length ? async () => {
      const p = r.pick(gitlinks);
      await gitRun(dir, ["update-index", "--force-remove", "--", p]);
      await rm(join(dir, p), { recursive: true, force: true }); await prune(dir, p); state.delete(p);
    } : null],
  ];
  const live = ops.filter((o): o is [number, Op] => o[1] !== null);
  let x = r.next() * live.reduce((s, [wt]) => s + wt, 0);
  for (const [wt, op] of live) if ((x -= wt) < 0) return void (await op());
}

/**
 * A commit of 1-3 random changes on the clone; false when they came to nothing. `state`: mode by
 * path of the clone's index, which is its HEAD's tree (the fuzzer never leaves changes behind);
 * it follows the changes.
 */
export async function randomCommit(w: Writer, name: string, dir: string, state: Map<string, string>): Promise<boolean> {
  for (let i = w.rng.int(1, 3); i > 0; i--) await change(w, dir, state);
  await gitRun(dir, ["add", "-A"]);
  const r = await gitExec(dir, ["commit", "-q", "--no-verify", "-m", `${name}: change`], { env: w.clock.env(name) });
  if (r.code !== 0 && !/nothing (added )?to commit|no changes added/.test(r.stdout + r.stderr)) throw new Error(`commit on ${name} failed: ${r.stderr}`);
  return r.code === 0;
}

/** The first commit of the case, on the first clone: a few files, maybe a symlink and a submodule. */
export async function baseCommit(w: Writer, name: string, dir: string): Promise<void> {
  const state = new Map<string, string>();
  for (let i = w.rng.int(2, 5); i > 0; i--) {
    const p = w.path();
    if (!free(state, p)) continue;
    const mode = w.rng.chance(0.15) ? EXEC : FILE;
    await writeNew(dir, p, w.body(), mode); state.set(p, mode);
  }
  if (w.rng.chance(0.5)) await change(w, dir, state);
  await gitRun(dir, ["add", "-A"]);
  await gitRun(dir, ["commit", "-q", "--no-verify", "--allow-empty", "-m", "base"], { env: w.clock.env(name) });
}

/** A person's own `git merge` of another clone's tip (the makings of a criss-cross): conflicts resolved to their side. */
export async function userMerge(w: Writer, name: string, dir: string, other: string): Promise<void> {
  const env = w.clock.env(name);
  const r = await gitExec(dir, ["merge", "-q", "--no-edit", "--no-verify", "-X", "ours", other], { env });
  if (r.code === 0) return;
  // git cannot always abort its own failed merge ("Entry … not uptodate"): the person starts over.
  if ((await gitExec(dir, ["merge", "--abort"])).code !== 0) await gitRun(dir, ["reset", "-q", "--hard", "HEAD"]);
  await gitRun(dir, ["clean", "-fdq"]);
  await gitRun(dir, ["merge", "-q", "--no-edit", "--no-verify", "-s", "ours", other], { env });
}
