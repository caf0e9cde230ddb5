// The clone `herald conflicts` works on, and the few questions it asks git about it. Paths go to
// git as literal pathspecs: a file named `*.txt` or `:(top)x` must mean exactly that file.
import { realpath } from "node:fs/promises";
import { isAbsolute, posix, relative, sep } from "node:path";
import { GitRepo } from "../git/repo.js";
import { isVariantFileName, variantOriginal } from "../git/variant-file-name.js";
import { ConflictStore } from "../sync/conflict-store.js";

export const LITERAL = { GIT_LITERAL_PATHSPECS: "1" };

export interface Clone {
  repo: GitRepo;
  store: ConflictStore;
  /** The current directory inside the work tree (`git rev-parse --show-prefix`), "" at the top. */
  prefix: string;
}

/**
 * The clone at `dir` (not a git work tree: NOT_A_REPO). `cwd`, when the user typed paths relative
 * to where they stand, gives the prefix: a path typed in a subdirectory is relative to it, as in
 * git (asking git is no use: GitRepo runs it at the top).
 */
export async function openClone(dir: string, cwd?: string): Promise<Clone> {
  const repo = await GitRepo.open(dir);
  let prefix = "";
  if (cwd !== undefined) {
    const rel = relative(await realpath(repo.dir), await realpath(cwd));
    if (!rel.startsWith("..") && !isAbsolute(rel)) prefix = rel.split(sep).join("/");
  }
  return cloneOf(repo, prefix);
}

/** A clone already open (a running engine's), paths relative to its top. */
export function cloneOf(repo: GitRepo, prefix = ""): Clone {
  return { repo, store: new ConflictStore(`${repo.gitDir}/herald/conflicts.json`), prefix };
}

/** The forms a user may type a path in: as recorded, relative to the current directory, or a variant's name. */
export function pathCandidates(clone: Clone, typed: string): string[] {
  const rel = posix.normalize(posix.join(clone.prefix, typed)).replace(/\/$/, "");
  const forms = [typed, rel];
  return [...new Set([...forms, ...forms.filter(isVariantFileName).map(variantOriginal)])];
}

/** Which of `paths` HEAD holds (one ls-tree for all of them). */
export async function inHead(repo: GitRepo, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0 || !(await repo.head())) return new Set();
  const out = await repo.run(["ls-tree", "-z", "--name-only", "--full-tree", "HEAD", "--", ...paths], LITERAL);
  return new Set(out.split("\0").filter(Boolean));
}

/**
 * Variant files of `path` in HEAD, recorded or not: a later merge may have folded in a third
 * version, and a merge-driver conflict is never recorded at all.
 */
export async function variantsInHead(repo: GitRepo, path: string): Promise<string[]> {
  if (!(await repo.head())) return [];
  const dir = posix.dirname(path);
  const out = await repo.run(["ls-tree", "-z", "--name-only", "--full-tree", "HEAD", ...(dir === "." ? [] : ["--", `${dir}/`])], LITERAL);
  return out.split("\0").filter((f) => f !== "" && f !== path && isVariantFileName(f) && variantOriginal(f) === path).sort();
}

/** `mode` and blob id of `file` in HEAD. */
export async function headEntry(repo: GitRepo, file: string): Promise<{ mode: string; oid: string } | null> {
  const out = await repo.run(["ls-tree", "-z", "--full-tree", "HEAD", "--", file], LITERAL);
  const m = /^(\d{6}) \w+ ([0-9a-f]+)\t/.exec(out);
  return m ? { mode: m[1]!, oid: m[2]! } : null;
}

/** Paths among `paths` with changes not committed (staged, unstaged, untracked or ignored files in the way). */
export async function uncommitted(repo: GitRepo, paths: string[]): Promise<string[]> {
  const out = await repo.run(["status", "--porcelain", "-z", "--untracked-files=all", "--ignored=matching", "--no-renames", "--", ...paths], LITERAL);
  return out.split("\0").filter(Boolean).map((l) => l.slice(3));
}

export async function userEmail(repo: GitRepo): Promise<string | null> {
  return (await repo.config("user.email"))?.toLowerCase() ?? null;
}

/** Commits made on this clone (`commit`, `commit (amend)`, … in HEAD's reflog), not merged or fetched in. */
export async function localCommits(repo: GitRepo): Promise<Set<string>> {
  const out = (await repo.tryRun(["reflog", "show", "--format=%H%x09%gs", "HEAD", "--"])) ?? "";
  return new Set(out.split("\n").filter((l) => /^\w+\tcommit\b/.test(l)).map((l) => l.slice(0, l.indexOf("\t"))));
}
