// Committer (herald.autocommit): watches the work tree, waits for a burst of edits to settle, then
// commits everything git would add (`git add -A` honours .gitignore: writes into an ignored
// directory make no commit) with a message that lists what was added, changed, removed and moved.
// Settled is short (25 ms): an editor's save (write a temp file, rename it over) is a few
// syscalls back to back, and the file should be on its way before a person looks up.
// While another git command holds `.git/index.lock` (a checkout, a merge, the user's commit) the
// commit waits for the lock to go: git updates the index under that lock, so what a checkout
// wrote is in the index by then and nothing is left to commit, and Herald never fights the user's
// git for the lock (the "index.lock exists" failure git-annex's assistant causes beside a person).
// A lock left behind by a killed git is not waited on for ever: after maxWaitMs the commit is
// tried, fails, and is tried again later.
import { watch, type FSWatcher } from "chokidar";
import { existsSync, watch as watchDir, type FSWatcher as DirWatcher } from "node:fs";
import { join, sep } from "node:path";
import { distrustingStat } from "../git/racy-index.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";

/** Pure: the commit message for `git diff --cached --name-status -M -z` output. */
export function autocommitMessage(nameStatusZ: string, node: string): string {
  const f = nameStatusZ.split("\0").filter((x) => x !== "");
  const lines: string[] = [];
  const verb: Record<string, string> = { A: "added", M: "changed", D: "removed", T: "changed", R: "moved", C: "copied" };
  for (let i = 0; i < f.length; ) {
    const status = f[i++]!;
    const kind = status[0]!;
    if (kind === "R" || kind === "C") {
      lines.push(`${verb[kind]} ${f[i]} -> ${f[i + 1]}`);
      i += 2;
    } else {
      lines.push(`${verb[kind] ?? "changed"} ${f[i]}`);
      i += 1;
    }
  }
  const subject = lines.length === 1 ? lines[0]! : `${lines.length} files`;
  return `herald: autocommit on ${node}: ${subject}\n\n${lines.join("\n")}\n`;
}

export class Committer {
  #watcher: FSWatcher | null = null;
  #gitDirWatch: DirWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #firstChange = 0;
  /** waiting for another git to release index.lock since (ms), or null */
  #lockWaitSince: number | null = null;
  #busy: Promise<boolean> = Promise.resolve(false);
  #stopped = false;

  constructor(private readonly repo: GitRepo, private readonly node: string, private readonly log: Logger, private readonly quietMs = 25, private readonly maxWaitMs = 2000) {}

  async start(): Promise<void> {
    const gitDirPrefix = this.repo.gitDir + sep;
    const w = watch(this.repo.dir, {
      ignoreInitial: true, atomic: false,
      ignored: (p: string) => p === this.repo.gitDir || p.startsWith(gitDirPrefix) || p.split(sep).includes(".git"),
    });
    w.on("all", () => this.#changed());
    w.on("error", () => undefined);
    await new Promise<void>((r) => w.once("ready", () => r()));
    this.#watcher = w;
    // git replaces the index by renaming index.lock over it: that rename is the lock's release.
    this.#gitDirWatch = watchDir(this.repo.gitDir, (_e, name) => { if (name === "index.lock") this.#lockChanged(); });
    this.#gitDirWatch.on("error", () => undefined);
  }

  get #lockHeld(): boolean { return existsSync(join(this.repo.gitDir, "index.lock")); }

  /** Debounce: commit once the tree has been quiet for quietMs, or maxWaitMs after the first edit. */
  #changed(): void {
    if (this.#stopped || this.#lockWaitSince !== null) return; // the lock's release restarts the count
    const now = Date.now();
    if (!this.#timer) this.#firstChange = now;
    else clearTimeout(this.#timer);
    const wait = Math.min(this.quietMs, Math.max(0, this.#firstChange + this.maxWaitMs - now));
    this.#timer = setTimeout(() => this.#due(), wait);
  }

  #lockChanged(): void {
    if (this.#lockWaitSince === null || this.#lockHeld) return;
    this.#lockWaitSince = null;
    this.#changed(); // a quiet spell after the lock, for the other command's last writes
  }

  #due(): void {
    this.#timer = null;
    if (this.#stopped) return;
    if (this.#lockHeld && (this.#lockWaitSince ??= Date.now()) + this.maxWaitMs > Date.now()) {
      // Released: #lockChanged. Stale: look again once maxWaitMs is up, then try anyway.
      this.#timer = setTimeout(() => this.#due(), this.maxWaitMs);
      return;
    }
    this.#lockWaitSince = null;
    // A failure (a lock left behind, say) must not go unhandled, which would end the process;
    // the edits are still there, so try again a little later.
    this.commitNow().catch((e: unknown) => {
      this.log.warn("autocommit-failed", { error: (e as Error).message, retryInMs: this.maxWaitMs });
      if (!this.#stopped && !this.#timer) this.#timer = setTimeout(() => this.#due(), this.maxWaitMs);
    });
  }

  /** Commits pending edits; resolves true if a commit was made. Serialized. */
  commitNow(): Promise<boolean> {
    this.#busy = this.#busy.then(() => this.#commit(), () => this.#commit());
    return this.#busy;
  }

  async #commit(): Promise<boolean> {
    const { repo } = this;
    if (!(await repo.currentBranch())) return false;
    // The identity is asked beside the add, not after it: one git process less on the way of
    // every autocommit to the other clones.
    // A save the add read too early stays a change git sees (racy-index.ts), after the commit too.
    const staged = await distrustingStat(repo.gitDir, async () => {
      const [, email] = await Promise.all([repo.run(["add", "-A"]), repo.config("user.email")]);
      const changes = await repo.run(["diff", "--cached", "--name-status", "-M", "-z"]);
      const ident = email ? [] : ["-c", "user.name=Herald", "-c", `user.email=herald@${this.node}`];
      if (changes) await repo.run([...ident, "commit", "-q", "--no-verify", "-m", autocommitMessage(changes, this.node)]);
      return changes;
    });
    if (!staged) return false;
    this.log.info("autocommitted", { files: staged.split("\0").filter(Boolean).length });
    return true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#gitDirWatch?.close();
    await this.#watcher?.close();
    await this.#busy.catch(() => false);
  }
}
