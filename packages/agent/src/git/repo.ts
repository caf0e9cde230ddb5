// The only module that runs git (through run-git.ts; simple-git only discovers the repository).
// Every ref and sha that reaches argv is validated here first, and no call passes --force or a
// `+` refspec: Herald never rewrites anyone's history.
import { isBranchRef, isSha } from "@herald/protocol";
import { simpleGit } from "simple-git";
import { runGit, type GitResult } from "./run-git.js";
import { GitCommandError, HeraldError } from "../errors.js";

const FORBIDDEN = /^(--force|-f|--force-with-lease.*|--mirror|--delete|-d|--prune)$/;

/** Fixed identity and environment for commits Herald makes on its own behalf. */
export const HERALD_IDENTITY = { name: "Herald", email: "herald@localhost" };

export class GitRepo {
  constructor(readonly dir: string, readonly gitDir: string) {}

  static async open(dir: string): Promise<GitRepo> {
    let top: string, gitDir: string;
    try {
      const g = simpleGit({ baseDir: dir }); // throws for a directory that does not exist
      top = (await g.raw(["rev-parse", "--show-toplevel"])).trim();
      gitDir = (await g.raw(["rev-parse", "--absolute-git-dir"])).trim();
    } catch {
      throw new HeraldError("NOT_A_REPO", `${dir} is not a git working tree`);
    }
    if (!top || !gitDir) throw new HeraldError("NOT_A_REPO", `${dir} is not a git working tree`);
    return new GitRepo(top, gitDir);
  }

  /** Runs git; throws GitCommandError on a non-zero exit. `env` is added to the environment. */
  async run(args: string[], env?: Record<string, string>, input?: string): Promise<string> {
    const r = await this.exec(args, env, input);
    if (r.code !== 0) throw new GitCommandError(args, r.code, r.stderr || r.stdout);
    return r.stdout;
  }

  /** Runs git and returns the exit code too (for commands whose status is the answer). */
  async exec(args: string[], env?: Record<string, string>, input?: string): Promise<GitResult> {
    for (const a of args) {
      if (FORBIDDEN.test(a) || /^\+/.test(a)) throw new HeraldError("FORBIDDEN_GIT_ARG", `refusing to run git with ${a}`);
    }
    return runGit(this.dir, args, { ...(env ? { env } : {}), ...(input !== undefined ? { input } : {}) });
  }

  async tryRun(args: string[]): Promise<string | null> {
    try {
      return await this.run(args);
    } catch {
      return null;
    }
  }

  async head(): Promise<string | null> {
    const out = await this.tryRun(["rev-parse", "--verify", "-q", "HEAD^{commit}"]);
    return out ? assertSha(out.trim()) : null;
  }

  /** The checked-out branch (`refs/heads/x`), or null on a detached HEAD. */
  async currentBranch(): Promise<string | null> {
    const out = await this.tryRun(["symbolic-ref", "-q", "HEAD"]);
    const ref = out?.trim() ?? "";
    return isBranchRef(ref) ? ref : null;
  }

  /** Every ref under `prefix` as name → sha, in one call. */
  async refs(prefix: string): Promise<Map<string, string>> {
    const out = await this.run(["for-each-ref", "--format=%(objectname) %(refname)", prefix]);
    const map = new Map<string, string>();
    for (const line of out.split("\n")) {
      const i = line.indexOf(" ");
      if (i > 0) map.set(line.slice(i + 1), line.slice(0, i));
    }
    return map;
  }

  async isAncestor(a: string, b: string): Promise<boolean> {
    assertSha(a); assertSha(b);
    return (await this.exec(["merge-base", "--is-ancestor", a, b])).code === 0;
  }

  async hasCommit(sha: string): Promise<boolean> {
    assertSha(sha);
    return (await this.tryRun(["cat-file", "-t", sha]))?.trim() === "commit";
  }

  /** The heads among `shas` that no other one contains (git merge-base --independent). */
  async independent(shas: string[]): Promise<string[]> {
    shas.forEach(assertSha);
    if (shas.length < 2) return [...shas];
    const out = await this.run(["merge-base", "--independent", ...shas]);
    return out.split("\n").filter(Boolean);
  }

  async config(key: string): Promise<string | null> {
    return (await this.tryRun(["config", "--get", key]))?.trim() || null;
  }
}

export function assertSha(s: string): string {
  if (!isSha(s)) throw new HeraldError("BAD_SHA", `not a commit id: ${JSON.stringify(String(s).slice(0, 80))}`);
  return s;
}
