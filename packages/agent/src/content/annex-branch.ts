// The git-annex branch travels the way git-annex expects (git-annex-sync(1)): pushed to each
// remote as `synced/git-annex` (never into its own git-annex branch, which only git-annex
// writes), fetched into `refs/remotes/<remote>/{git-annex,synced/git-annex}`, and merged only by
// `git annex merge`, a union merge of every ref named git-annex (Annex.Branch.siblingBranches).
// Herald's merger never sees these refs: it merges only `refs/remotes/<x>/<checked-out branch>`.
// Never forced: a refused push (someone else moved it) is answered by fetch, merge, push again.
import type { GitRepo } from "../git/repo.js";
import type { GitResult } from "../git/run-git.js";
import type { Logger } from "../log.js";

const LOCAL = "refs/heads/git-annex";
const SYNCED = "refs/heads/synced/git-annex";

/** Pure: the refs `git annex merge` would take in (every git-annex sibling but our own branch). */
export function siblingRefs(refs: Map<string, string>): string {
  return [...refs].filter(([name]) => name !== LOCAL && name.endsWith("/git-annex")).map(([n, s]) => `${n} ${s}`).sort().join("\n");
}

/**
 * Pure: the git-annex command that union-merges the siblings into our git-annex branch.
 * `git annex merge` also merges a local `synced/<branch>` into the checked-out branch (the
 * merging `git annex sync` does), which only git annex sync writes, and a plain `git merge` there
 * could stop with conflicts in the work tree. Where one exists, a read of the branch does the
 * union merge alone (git-annex merges the sibling branches before any read: Annex.Branch.update).
 */
export function unionMergeArgs(refs: Map<string, string>): string[] {
  const userSynced = [...refs.keys()].some((n) => n.startsWith("refs/heads/synced/") && n !== SYNCED);
  return userSynced ? ["annex", "info", "--fast", "here"] : ["annex", "merge", "--quiet"];
}

export class AnnexBranch {
  /** the siblings as of the last merge */
  #merged = "";
  #merging: Promise<void> | null = null;
  #again = false;
  #pushing = new Map<string, Promise<void>>();

  /** `urlOf`: a remote's URL (a network one's commands run under the watchdog: git/network-policy.ts).
   * `pushOptions`: more options for a push to the remote (a peer's hooks: git/receive-hooks.ts). */
  constructor(private readonly repo: GitRepo, private readonly log: Logger, private readonly urlOf: (remote: string) => string | undefined = () => undefined, private readonly pushOptions: (remote: string) => Promise<string[]> = async () => []) {}

  /** A command to `remote`; one the watchdog killed is a failure like any other (its message says so). */
  #remote(remote: string, args: string[]): Promise<GitResult> {
    return this.repo.execRemote(remote, this.urlOf(remote), args).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
  }

  /** Merge whatever sibling moved since the last merge; coalesced, one `git annex merge` at a time. */
  mergeIfChanged(): Promise<void> {
    if (this.#merging) {
      this.#again = true;
      return this.#merging;
    }
    this.#merging = (async () => {
      do {
        this.#again = false;
        const refs = await this.repo.refs("refs/");
        const now = siblingRefs(refs);
        if (now === this.#merged) continue;
        const r = await this.repo.exec(unionMergeArgs(refs));
        if (r.code === 0) this.#merged = now;
        else this.log.warn("annex-merge-failed", { error: r.stderr.trim().slice(-300) });
      } while (this.#again);
    })().finally(() => (this.#merging = null));
    return this.#merging;
  }

  /** Push our git-annex branch to `remote` as synced/git-annex (one push per remote at a time). */
  push(remote: string): Promise<void> {
    const running = this.#pushing.get(remote);
    const p = (running ?? Promise.resolve()).then(() => this.#push(remote)).finally(() => {
      if (this.#pushing.get(remote) === p) this.#pushing.delete(remote);
    });
    this.#pushing.set(remote, p);
    return p;
  }

  async #push(remote: string): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const r = await this.#remote(remote, ["push", ...(await this.pushOptions(remote)), "--porcelain", "--quiet", remote, `${LOCAL}:${SYNCED}`]);
      if (r.code === 0) return this.log.debug("annex-branch-pushed", { remote });
      if (!/rejected|non-fast-forward|fetch first/.test(`${r.stdout}\n${r.stderr}`)) {
        return this.log.warn("annex-branch-push-failed", { remote, error: r.stderr.trim().slice(-300) });
      }
      await this.fetch(remote);
      await this.mergeIfChanged();
    }
  }

  /** Fetch the remote's git-annex branches into its tracking refs (never forced, no tags). */
  async fetch(remote: string): Promise<void> {
    const ls = await this.#remote(remote, ["ls-remote", "--heads", remote, "git-annex", "synced/git-annex"]);
    const have = new Set(ls.stdout.split("\n").map((l) => l.split("\t")[1]).filter(Boolean));
    const specs = [LOCAL, SYNCED].filter((ref) => have.has(ref)).map((ref) => `${ref}:refs/remotes/${remote}/${ref.slice("refs/heads/".length)}`);
    if (!specs.length) return;
    const r = await this.#remote(remote, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, ...specs]);
    if (r.code !== 0) this.log.warn("annex-branch-fetch-failed", { remote, error: r.stderr.trim().slice(-300) });
  }

  async idle(): Promise<void> {
    await this.#merging;
    await Promise.all([...this.#pushing.values()]);
  }
}
