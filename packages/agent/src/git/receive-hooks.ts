// A push into a clone on this machine runs that clone's receiving hooks. In a git-annex clone
// the only one is the post-receive hook `git annex init` installs, which starts git-annex twice
// (`post-receive --help`, then `post-receive`) on every push, to emulate
// receive.denyCurrentBranch=updateInstead where an adjusted branch is checked out
// (Command/PostReceive.hs, Annex/UpdateInstead.hs): a no-op for what Herald pushes, which is never
// a checked-out branch (refs/remotes/<node>/<branch>, and refs/heads/synced/git-annex). Herald
// pushes a commit and then the git-annex branch into each clone it feeds, so a line of five spent
// 4 of its 8 git-annex starts per hop on it, on the cores the content moved on (npm run bench --
// --only=content). Such a push runs receive-pack with core.hooksPath pointing nowhere. Only then:
// a hook of the user's, another hook, a hook directory set by core.hooksPath anywhere, a config
// that includes others (it could set one), a clone whose .git is not a directory: the push runs
// every hook as git would.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The hook as git-annex 8 to 10 writes it (Annex/Hook.hs; its text never changes, so that old
 * versions can recognise and remove it). */
export const ANNEX_POST_RECEIVE = "#!/bin/sh\n# automatically configured by git-annex\nif git annex post-receive --help >/dev/null 2>&1; then git annex post-receive; fi\n";

/** The hooks receive-pack runs (githooks(5)). */
const RECEIVING = ["pre-receive", "update", "post-receive", "post-update", "push-to-checkout", "reference-transaction", "proc-receive"];

/** receive-pack with no hooks: git finds none under /dev/null (a file, not a directory). */
export const WITHOUT_HOOKS = "--receive-pack=git -c core.hooksPath=/dev/null receive-pack";

/** Pure: whether the receiving hooks present (name → text) are git-annex's post-receive alone. */
export function onlyAnnexPostReceive(hooks: ReadonlyMap<string, string>): boolean {
  return hooks.size === 1 && hooks.get("post-receive") === ANNEX_POST_RECEIVE;
}

/** Pure: whether a repository's own config could move or add hooks. */
export function configMovesHooks(config: string): boolean {
  return /^\s*hookspath\s*=/im.test(config) || /^\s*\[\s*include/im.test(config);
}

export class ReceiveHooks {
  /** per clone: what its hooks and config looked like when last read, and the answer */
  #seen = new Map<string, { stamp: string; skip: boolean }>();
  #hooksPath: Promise<boolean> | null = null;

  /** `dir`: this clone (remote paths are relative to it). `hooksPathSet`: core.hooksPath is set
   * in a config every clone here reads (global, system, or this clone's own), asked once. */
  constructor(private readonly dir: string, private readonly hooksPathSet: () => Promise<boolean>) {}

  /** The options for a push into the clone at `path` (a peer on this machine): [] runs its hooks. */
  async pushOptions(path: string): Promise<string[]> {
    return (await this.#skippable(resolve(this.dir, path))) ? [WITHOUT_HOOKS] : [];
  }

  /** The same for a remote: only a peer on this machine (a bare repository keeps its hooks). */
  forRemote(r: { kind: string; path?: string } | undefined): Promise<string[]> {
    return r?.kind === "peer" && r.path !== undefined ? this.pushOptions(r.path) : Promise.resolve([]);
  }

  async #skippable(clone: string): Promise<boolean> {
    const gitDir = join(clone, ".git"), hooksDir = join(gitDir, "hooks"), configFile = join(gitDir, "config");
    const mtime = (p: string) => stat(p).then((s) => (s.isDirectory() || s.isFile() ? `${s.mtimeMs}:${s.isDirectory()}` : "other"), () => "none");
    // A hook added or removed changes the directory; one edited, its file; a setting, the config.
    const stamp = (await Promise.all([gitDir, hooksDir, join(hooksDir, "post-receive"), configFile].map(mtime))).join(" ");
    const known = this.#seen.get(clone);
    if (known?.stamp === stamp) return known.skip;
    const skip = await this.#read(gitDir, hooksDir, configFile);
    this.#seen.set(clone, { stamp, skip });
    return skip;
  }

  async #read(gitDir: string, hooksDir: string, configFile: string): Promise<boolean> {
    if (!(await stat(gitDir).then((s) => s.isDirectory(), () => false))) return false;
    if (await (this.#hooksPath ??= this.hooksPathSet().catch(() => true))) return false;
    const config = await readFile(configFile, "utf8").catch(() => null);
    if (config === null || configMovesHooks(config)) return false;
    const names = (await readdir(hooksDir).catch(() => [] as string[])).filter((n) => RECEIVING.includes(n));
    const hooks = new Map<string, string>();
    for (const n of names) hooks.set(n, await readFile(join(hooksDir, n), "utf8").catch(() => ""));
    return onlyAnnexPostReceive(hooks);
  }
}
