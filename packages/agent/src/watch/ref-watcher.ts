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
  /** directory → its watcher and the inode it watches (git removes a ref dir it empties, and a
   * push re-creates it: a new inode needs a new watch). */
  #watchers = new Map<string, { w: FSWatcher; ino: number }>();
  #started = false;
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
    this.#started = true;
  }

  #add(dir: string, on: (name: string) => void, ino = 0): void {
    try {
      const w = watch(dir, { persistent: true }, (_event, name) => on(String(name ?? "")));
      w.on("error", () => { w.close(); if (this.#watchers.get(dir)?.w === w) this.#watchers.delete(dir); });
      this.#watchers.set(dir, { w, ino });
    } catch {
      // the directory vanished (a pruned ref dir): nothing to watch
    }
  }

  /** Watch `dir` and every directory below it, now and as they appear. */
  async #tree(dir: string, nudge: () => void, renew = false): Promise<void> {
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) return;
    const known = this.#watchers.get(dir);
    // `renew`: the parent saw this name change. The directory may have been removed and made
    // again, and a new directory often gets the old one's inode back, so watch it afresh.
    if (known && known.ino === st.ino && !renew) return;
    known?.w.close();
    this.#add(dir, (name) => {
      // git writes `<ref>.lock` and renames it over the ref: only the rename is news (the ref's
      // own name changes then), so a handler never wakes up to find nothing new yet.
      if (name.endsWith(".lock")) return;
      nudge();
      if (name) void this.#tree(join(dir, name), nudge, true).catch(() => undefined);
    }, st.ino);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await this.#tree(join(dir, e.name), nudge);
    // A ref may have been written into a new directory before its watch was in place.
    if (known || this.#started) nudge();
  }

  async stop(): Promise<void> {
    for (const { w } of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }
}
