// The only module that runs git (through run-git.ts; simple-git only discovers the repository).
// Every ref and sha that reaches argv is validated here first, and no call passes --force or a
// `+` refspec: Herald never rewrites anyone's history.
import { isBranchRef, isSha } from "@herald/protocol";
import { simpleGit } from "simple-git";
import { runGit, type GitResult } from "./run-git.js";
import { CatFile, parseCommit, type CommitInfo, type GitObject } from "./cat-file.js";
import { linearRun, reaches } from "./ancestry.js";
import { RefFiles } from "./ref-files.js";
import { GitCommandError, HeraldError } from "../errors.js";
import { DEFAULT_NETWORK_TIMEOUT_S, isNetworkUrl } from "./network-policy.js";
import { NetworkCalls } from "./network-calls.js";
import { runNetworkGit } from "./network-run.js";

const COMMIT_CACHE = 512;
const FORBIDDEN = /^(--force|-f|--force-with-lease.*|--mirror|--delete|-d|--prune)$/;

/** Fixed identity and environment for commits Herald makes on its own behalf. */
export const HERALD_IDENTITY = { name: "Herald", email: "herald@localhost" };

// Reads (HEAD, refs, commit objects) take the fast road first: ref files and one long-running
// `git cat-file --batch` (ref-files.ts, cat-file.ts). Where that road cannot answer for sure, git
// itself is asked. Writes always go through git.
export class GitRepo {
  readonly #refFiles: RefFiles;
  readonly #objects: CatFile;
  readonly #commits = new Map<string, CommitInfo>();
  /** Added to every command's environment: how ssh is run for a network remote (ssh-env.ts),
   * set by the engine from the clone's settings. Local commands never start ssh, so it is inert there. */
  networkEnv: Record<string, string> = {};
  /** How long a network command may print nothing before it is killed (herald.networkTimeout). */
  networkTimeoutMs = DEFAULT_NETWORK_TIMEOUT_S * 1000;
  /** The network commands running now, and when each last said something (status reads it). */
  readonly calls = new NetworkCalls();

  constructor(readonly dir: string, readonly gitDir: string) {
    this.#refFiles = new RefFiles(gitDir);
    this.#objects = new CatFile(dir);
  }

  /** Ends the cat-file process (an agent's stop; a CLI command need not: it does not hold Node). */
  close(): void {
    this.#objects.close();
  }

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
    this.#check(args);
    return runGit(this.dir, args, { env: { ...this.networkEnv, ...env }, ...(input !== undefined ? { input } : {}) });
  }

  /** Runs a git command that talks to `remote` (push, fetch, ls-remote; `url`: the remote's, or
   * undefined when not known): over a network, as network-run.ts says. */
  async execRemote(remote: string, url: string | undefined, args: string[], env?: Record<string, string>): Promise<GitResult> {
    if (url !== undefined && !isNetworkUrl(url)) return this.exec(args, env);
    this.#check(args);
    return runNetworkGit({ dir: this.dir, env: { ...this.networkEnv, ...env }, idleMs: this.networkTimeoutMs, calls: this.calls }, remote, url, args);
  }

  /** execRemote, throwing GitCommandError on a non-zero exit. */
  async runRemote(remote: string, url: string | undefined, args: string[]): Promise<string> {
    const r = await this.execRemote(remote, url, args);
    if (r.code !== 0) throw new GitCommandError(args, r.code, r.stderr || r.stdout);
    return r.stdout;
  }

  #check(args: readonly string[]): void {
    for (const a of args) {
      if (FORBIDDEN.test(a) || /^\+/.test(a)) throw new HeraldError("FORBIDDEN_GIT_ARG", `refusing to run git with ${a}`);
    }
  }

  async tryRun(args: string[]): Promise<string | null> {
    try {
      return await this.run(args);
    } catch {
      return null;
    }
  }

  /** The checked-out branch (null when detached) and HEAD's commit (null when unborn), read once. */
  async headState(): Promise<{ branch: string | null; sha: string | null }> {
    const fast = await this.#refFiles.headState();
    if (fast !== undefined) return { branch: fast.ref !== null && isBranchRef(fast.ref) ? fast.ref : null, sha: fast.sha };
    const [branch, sha] = await Promise.all([this.currentBranch(), this.head()]);
    return { branch, sha };
  }

  async head(): Promise<string | null> {
    const fast = await this.#refFiles.head();
    if (fast !== undefined) return fast;
    const out = await this.tryRun(["rev-parse", "--verify", "-q", "HEAD^{commit}"]);
    return out ? assertSha(out.trim()) : null;
  }

  /** The root commit that names the history: the first by id where there are several (unrelated
   * histories merged), so every clone picks the same one; null before the first commit. */
  async rootCommit(): Promise<string | null> {
    return (await this.tryRun(["rev-list", "--max-parents=0", "HEAD"]))?.trim().split("\n").filter(Boolean).sort()[0] ?? null;
  }

  /** The checked-out branch (`refs/heads/x`), or null on a detached HEAD. */
  async currentBranch(): Promise<string | null> {
    const fast = await this.#refFiles.headRef();
    if (fast !== undefined) return fast !== null && isBranchRef(fast) ? fast : null;
    const out = await this.tryRun(["symbolic-ref", "-q", "HEAD"]);
    const ref = out?.trim() ?? "";
    return isBranchRef(ref) ? ref : null;
  }

  /** Every ref under `prefix` as name → sha, in one call. */
  async refs(prefix: string): Promise<Map<string, string>> {
    const fast = prefix.endsWith("/") ? await this.#refFiles.list(prefix) : await this.#one(prefix);
    if (fast !== undefined) return fast;
    const out = await this.run(["for-each-ref", "--format=%(objectname) %(refname)", prefix]);
    const map = new Map<string, string>();
    for (const line of out.split("\n")) {
      const i = line.indexOf(" ");
      if (i > 0) map.set(line.slice(i + 1), line.slice(0, i));
    }
    return map;
  }

  /** One exact ref as a map (empty when absent), or undefined when the files cannot say. */
  async #one(ref: string): Promise<Map<string, string> | undefined> {
    const sha = await this.#refFiles.resolve(ref);
    return sha === undefined ? undefined : new Map(sha === null ? [] : [[ref, sha]]);
  }

  /** Any object from the cat-file process (tree-reader.ts reads trees so); null when it is not here. */
  object(oid: string): Promise<GitObject | null> {
    return this.#objects.read(assertSha(oid));
  }

  /** A blob's bytes from the cat-file process; null when it is not here (or not a blob). */
  async blob(oid: string): Promise<Buffer | null> {
    const o = await this.#objects.read(assertSha(oid));
    return o?.type === "blob" ? o.body : null;
  }

  /** A commit object's bytes from the cat-file process (a signature check); null when it is not here. */
  async commitBody(sha: string): Promise<Buffer | null> {
    const o = await this.#objects.read(assertSha(sha));
    return o?.type === "commit" ? o.body : null;
  }

  /** A commit's parents, author and date from the cat-file process; null when it is not here.
   * A commit never changes, so the last few hundred read are kept (the walks revisit them). */
  async commit(sha: string): Promise<CommitInfo | null> {
    assertSha(sha);
    const known = this.#commits.get(sha);
    if (known) return known;
    const o = await this.#objects.read(sha);
    if (!o || o.type !== "commit") return null; // not cached: it may arrive later
    const c = parseCommit(o.body);
    this.#commits.set(sha, c);
    if (this.#commits.size > COMMIT_CACHE) this.#commits.delete(this.#commits.keys().next().value!);
    return c;
  }

  /** `commit`, or null when the cat-file process failed (the caller then asks git). */
  #load = (sha: string): Promise<CommitInfo | null> => this.commit(sha).catch(() => null);

  /** Whether `ancestor` is reachable from `tip`, from a short walk; null when the walk cannot tell. */
  async reaches(tip: string, ancestor: string): Promise<boolean | null> {
    assertSha(tip); assertSha(ancestor);
    return reaches(this.#load, tip, ancestor);
  }

  /** The commits of `from..to` when they are a plain run (no merges), newest first; else null. */
  async linearRun(from: string, to: string): Promise<string[] | null> {
    assertSha(from); assertSha(to);
    return linearRun(this.#load, from, to);
  }

  async isAncestor(a: string, b: string): Promise<boolean> {
    assertSha(a); assertSha(b);
    const fast = await reaches(this.#load, b, a);
    if (fast !== null) return fast;
    return (await this.exec(["merge-base", "--is-ancestor", a, b])).code === 0;
  }

  async hasCommit(sha: string): Promise<boolean> {
    assertSha(sha);
    const o = await this.#objects.read(sha).catch(() => undefined);
    if (o !== undefined) return o?.type === "commit";
    return (await this.tryRun(["cat-file", "-t", sha]))?.trim() === "commit";
  }

  /** The heads among `shas` that no other one contains (git merge-base --independent). */
  async independent(shas: string[]): Promise<string[]> {
    shas.forEach(assertSha);
    if (shas.length < 2) return [...shas];
    if (shas.length === 2) {
      // The usual question (HEAD and one incoming tip): two bounded walks, no process.
      const [a, b] = shas as [string, string];
      if (a === b) return [a];
      const bHasA = await reaches(this.#load, b, a);
      if (bHasA === true) return [b];
      const aHasB = bHasA === null ? null : await reaches(this.#load, a, b);
      if (aHasB === true) return [a];
      if (bHasA === false && aHasB === false) return [a, b];
    }
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
