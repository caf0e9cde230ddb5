// The merge-case matrix: cases from git's own merge tests (t/t64xx), each played by two people on
// two real clones. Each case is shell steps run in clone a or b; then both clones fetch each
// other, make Herald's merge (mergeHeads) on their own, move their branch to it (advanceHead, as
// the agent does) and are checked for what Herald promises: one commit on both, no conflict
// marker in it, every version either side wrote kept (content, mode, link or gitlink), each
// conflicting path holding one side's own version with the other's beside it as a variant, clean
// work trees, `git submodule status` working.
import { git, makeSandbox, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { advanceHead } from "../src/git/advance-head.js";
import type { ResolvedConflict } from "../src/git/keep-both.js";
import { mergeHeads, type MergeResult } from "../src/git/merge-heads.js";
import { GitRepo } from "../src/git/repo.js";

const execFileP = promisify(execFile);

export interface MergeCase {
  /** The git test it comes from: `t6416 'check symlink add/add'`. */
  git: string;
  /** Run in clone a and committed; clone b starts from it. */
  base?: string;
  /** Run in order, each in its clone (`$OTHER` is the other clone), committed when it left changes. */
  steps: Array<["a" | "b", string]>;
  /** Paths the merge combines cleanly from both sides: their side versions are not expected whole. */
  merged?: string[];
  /** The two tips have two merge bases (a criss-cross history), as the git test has. */
  crissCross?: boolean;
  /** Paths whose files hold conflict markers their authors wrote (the case checks their content). */
  ownMarkers?: string[];
  /** Further checks on the result. */
  check?: (r: MatrixResult) => Promise<void> | void;
}

export interface MatrixResult {
  merge: MergeResult;
  dirs: { a: string; b: string };
  /** `mode oid` by path in the merge commit */
  tree: Map<string, string>;
  conflicts: ResolvedConflict[];
  /** The two clones' commits that were merged. */
  tips: { a: string; b: string };
  show: (path: string) => Promise<string>;
}

// c: commit whatever changed; gl PATH SHA: a gitlink, as a submodule pointer is stored.
const PRELUDE = `set -e
c() { git add -A; git diff --cached --quiet || git commit -qm "$1"; }
gl() { mkdir -p "$1"; git update-index --add --cacheinfo "160000,$2,$1"; }
sm() { git config -f .gitmodules "submodule.$1.path" "$1"; git config -f .gitmodules "submodule.$1.url" "$2"; git add .gitmodules; }
`;

async function sh(dir: string, other: string, script: string): Promise<void> {
  await execFileP("bash", ["-c", `${PRELUDE}${script}\nc step`], {
    cwd: dir,
    env: { ...process.env, OTHER: other, GIT_AUTHOR_DATE: "1700000000 +0000", GIT_COMMITTER_DATE: "1700000000 +0000" },
  });
}

/** `mode oid` by path of a commit's tree (gitlinks and symlinks included). */
async function entries(dir: string, commit: string): Promise<Map<string, string>> {
  const out = await git(dir, "ls-tree", "-r", "-z", "--full-tree", commit);
  return new Map(out.split("\0").filter(Boolean).map((rec) => {
    const tab = rec.indexOf("\t");
    const [mode, , oid] = rec.slice(0, tab).split(" ");
    return [rec.slice(tab + 1), `${mode} ${oid}`];
  }));
}

export async function playCase(c: MergeCase): Promise<MatrixResult> {
  const sb: Sandbox = await makeSandbox(["a", "b"], "line");
  const repos: GitRepo[] = [];
  try {
    const dirs = { a: sb.clones.a!, b: sb.clones.b! };
    if (c.base) {
      await sh(dirs.a, dirs.b, c.base);
      await git(dirs.b, "pull", "-q", "--ff-only", dirs.a, "main");
    }
    for (const [side, script] of c.steps) await sh(dirs[side], dirs[side === "a" ? "b" : "a"], script);
    const tips = { a: (await git(dirs.a, "rev-parse", "HEAD")).trim(), b: (await git(dirs.b, "rev-parse", "HEAD")).trim() };
    await git(dirs.a, "fetch", "-q", dirs.b, "main:refs/remotes/b/main");
    await git(dirs.b, "fetch", "-q", dirs.a, "main:refs/remotes/a/main");

    // Each clone merges on its own, and both must make the very same commit.
    const merges: MergeResult[] = [];
    for (const side of ["a", "b"] as const) {
      const repo = await GitRepo.open(dirs[side]);
      repos.push(repo);
      await mkdir(join(repo.gitDir, "herald"), { recursive: true });
      merges.push(await mergeHeads(repo, await repo.independent([tips.a, tips.b])));
    }
    const [ma, mb] = merges as [MergeResult, MergeResult];
    expect(mb.commit).toBe(ma.commit);
    for (const [i, side] of (["a", "b"] as const).entries()) {
      expect(await advanceHead(repos[i]!, "refs/heads/main", tips[side], ma.commit)).toBe("advanced");
      expect(await git(dirs[side], "rev-parse", "HEAD")).toBe(`${ma.commit}\n`);
      expect(await git(dirs[side], "status", "--porcelain", "--ignore-submodules=none")).toBe("");
      expect(await git(dirs[side], "submodule", "status")).toBeDefined(); // throws on "no submodule mapping"
    }
    const dir = dirs.a;
    // No conflict marker in the merge but those a side wrote itself, in that side's own file.
    const tree = await entries(dir, ma.commit);
    const tipEntries = new Set([...(await entries(dir, tips.a)).values(), ...(await entries(dir, tips.b)).values()]);
    const marked = await execFileP("git", ["grep", "-zlE", "^(<{7,}|>{7,})( |$)", ma.commit, "--"], { cwd: dir, maxBuffer: 64 << 20 }).then((r) => r.stdout, () => "");
    const foreign = marked.split("\0").filter(Boolean).map((f) => f.slice(ma.commit.length + 1)).filter((p) => !tipEntries.has(tree.get(p)!) && !c.ownMarkers?.includes(p));
    expect(foreign).toEqual([]);
    // Every version a side wrote (an entry of its tip that no merge base has) is in the merge, at some path.
    const kept = new Set(tree.values());
    const bases = (await git(dir, "merge-base", "--all", tips.a, tips.b)).split("\n").filter(Boolean);
    expect(bases.length > 1).toBe(c.crissCross === true);
    const inBases = new Set<string>();
    for (const b of bases) for (const e of (await entries(dir, b)).values()) inBases.add(e);
    for (const side of ["a", "b"] as const) {
      for (const [path, e] of await entries(dir, tips[side])) {
        if (inBases.has(e) || c.merged?.includes(path)) continue;
        if (path === ".gitmodules") {
          // Extended with entries for submodules kept as variants: every url a side mapped stays mapped.
          const urls = async (blob: string) => (await git(dir, "config", "--blob", blob, "--get-regexp", "url$")).split("\n").filter(Boolean).map((l) => l.split(" ").slice(1).join(" "));
          const merged = (await Promise.all([...tree].filter(([p]) => p.startsWith(".gitmodules")).map(([, m]) => urls(m.split(" ")[1]!)))).flat();
          expect(merged).toEqual(expect.arrayContaining(await urls(e.split(" ")[1]!)));
          continue;
        }
        expect({ side, path, kept: kept.has(e) }).toEqual({ side, path, kept: true });
      }
    }
    // A conflicting path keeps a version: the one its record says kept the name, which is an
    // entry of that side's tip (followed through renames: at some path of it), exactly.
    const tipSets = { [tips.a]: new Set((await entries(dir, tips.a)).values()), [tips.b]: new Set((await entries(dir, tips.b)).values()) };
    for (const conflict of ma.conflicts) {
      const atPath = conflict.variants.filter((v) => v.file === conflict.path);
      if (conflict.kind === "content" || conflict.kind === "add/add") expect({ path: conflict.path, atPath: atPath.length }).toEqual({ path: conflict.path, atPath: 1 });
      for (const v of conflict.variants) {
        expect({ file: v.file, inMerge: tree.has(v.file) }).toEqual({ file: v.file, inMerge: true });
        // .gitmodules is extended with entries for gitlink variants (checked above by its urls).
        if (v.file !== ".gitmodules") expect({ file: v.file, fromItsSide: tipSets[v.from]?.has(tree.get(v.file)!) }).toEqual({ file: v.file, fromItsSide: true });
      }
    }
    const show = (path: string) => git(dir, "cat-file", "-p", `${ma.commit}:${path}`);
    const r = { merge: ma, dirs, tree, conflicts: ma.conflicts, tips, show };
    await c.check?.(r);
    return r;
  } finally {
    repos.forEach((r) => r.close());
    await sb.cleanup();
  }
}

/** Paths of the merge that are variants of `path`. */
export function variantsOf(r: MatrixResult, path: string): string[] {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ""];
  return [...r.tree.keys()].filter((p) => p.startsWith(`${stem}.variant-`) && p.endsWith(ext) && /^[0-9a-f]{8}$/.test(p.slice(stem.length + 9, p.length - ext.length))).sort();
}

/** Every version of `path` in the merge: the one at the path itself (if any), then its variants. */
export function versionsOf(r: MatrixResult, path: string): string[] {
  return [...(r.tree.has(path) ? [path] : []), ...variantsOf(r, path)];
}

/**
 * Checks that `path` holds one side's version and the other side's is its one variant; with
 * `keeper`, that the side which kept the name is that clone's (the newer commit, or on a tie
 * the one whose id sorts first: the same choice on every clone).
 */
export function expectKeptAtPath(r: MatrixResult, path: string, keeper?: "a" | "b"): void {
  expect(r.tree.has(path)).toBe(true);
  expect(variantsOf(r, path)).toHaveLength(1);
  const c = r.conflicts.find((x) => x.path === path)!;
  expect(c.variants.map((v) => v.file)).toEqual([path, variantsOf(r, path)[0]]);
  if (keeper) expect(c.variants[0]!.from).toBe(r.tips[keeper]);
}

/** The modes of the entries at `paths`. */
export function modes(r: MatrixResult, paths: string[]): string[] {
  return paths.map((p) => r.tree.get(p)!.split(" ")[0]!).sort();
}
