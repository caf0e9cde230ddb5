// Event-driven ref watching (inotify through fs.watch; no polling): the repo's own refs tell us
// about new local commits, `.git/refs/remotes/` about what peers push in or fetches bring
// (git-annex's Merger watches .git/refs the same way). packed-refs can change either.
//
// Not chokidar here: it throttles "change" to one event per path per 50 ms, and a ref moved twice
// in that window (a merge, then the user's commit) lost the second move. Not fs.watch's
// `recursive` either: on Linux (Node 20) it follows files by inode and goes deaf once git renames
// `<ref>.lock` over the ref. So: one plain directory watch per ref directory, new subdirectories
// (refs/remotes/<node>/) added as they appear. Every event is only a nudge; handlers read the
// refs themselves, so coalescing is safe.
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export interface RefWatcherHandlers {
  onLocal(): void;
  onRemote(): void;
}

export class RefWatcher {
  #watchers = new Map<string, FSWatcher>();
  constructor(private readonly gitDir: string, private readonly handlers: RefWatcherHandlers, private readonly watchRemotes = true) {}

  async start(): Promise<void> {
    const heads = join(this.gitDir, "refs", "heads");
    const remotes = join(this.gitDir, "refs", "remotes");
    await mkdir(heads, { recursive: true });
    await mkdir(remotes, { recursive: true });
    // HEAD and packed-refs live directly in the git dir; git replaces them by renaming a .lock.
    this.#add(this.gitDir, (name) => {
      if (name === "HEAD") this.handlers.onLocal();
      else if (name === "packed-refs") {
        this.handlers.onLocal();
        if (this.watchRemotes) this.handlers.onRemote();
      }
    });
    await this.#tree(heads, () => this.handlers.onLocal());
    if (this.watchRemotes) await this.#tree(remotes, () => this.handlers.onRemote());
  }

  #add(dir: string, on: (name: string) => void): void {
    if (this.#watchers.has(dir)) return;
    try {
      const w = watch(dir, { persistent: true }, (_event, name) => on(String(name ?? "")));
      w.on("error", () => { w.close(); this.#watchers.delete(dir); });
      this.#watchers.set(dir, w);
    } catch {
      // the directory vanished (a pruned ref dir): nothing to watch
    }
  }

  /** Watch `dir` and every directory below it, now and as they appear. */
  async #tree(dir: string, nudge: () => void): Promise<void> {
    if (this.#watchers.has(dir) || !(await stat(dir).then((s) => s.isDirectory(), () => false))) return;
    this.#add(dir, (name) => {
      nudge();
      if (name && !name.endsWith(".lock")) void this.#tree(join(dir, name), nudge).catch(() => undefined);
    });
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await this.#tree(join(dir, e.name), nudge);
  }

  async stop(): Promise<void> {
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }
}
