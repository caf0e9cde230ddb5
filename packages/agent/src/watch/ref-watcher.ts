// Event-driven ref watching (inotify through chokidar; no polling): the repo's own refs tell us
// about new local commits, `.git/refs/remotes/` about what peers push in or fetches bring
// (git-annex's Merger watches .git/refs the same way). packed-refs can change either.
import { watch, type FSWatcher } from "chokidar";
import { mkdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface RefWatcherHandlers {
  onLocal(): void;
  onRemote(): void;
}

export class RefWatcher {
  #watcher: FSWatcher | null = null;
  constructor(private readonly gitDir: string, private readonly handlers: RefWatcherHandlers, private readonly watchRemotes = true) {}

  async start(): Promise<void> {
    await mkdir(join(this.gitDir, "refs", "remotes"), { recursive: true });
    const paths = [join(this.gitDir, "HEAD"), join(this.gitDir, "packed-refs"), join(this.gitDir, "refs", "heads")];
    if (this.watchRemotes) paths.push(join(this.gitDir, "refs", "remotes"));
    // atomic:false: chokidar would otherwise hold back unlink events for 100 ms; git replaces a
    // ref by renaming `<ref>.lock` over it, and we want that moment, not 100 ms later.
    const w = watch(paths, { ignoreInitial: true, atomic: false, persistent: true });
    w.on("all", (_event, path) => this.#classify(path));
    w.on("error", () => undefined);
    await new Promise<void>((resolve) => w.once("ready", () => resolve()));
    this.#watcher = w;
  }

  #classify(path: string): void {
    const rel = relative(this.gitDir, path).split(sep).join("/");
    if (rel === "packed-refs") {
      this.handlers.onLocal();
      if (this.watchRemotes) this.handlers.onRemote();
    } else if (rel.startsWith("refs/remotes/")) this.handlers.onRemote();
    else this.handlers.onLocal();
  }

  async stop(): Promise<void> {
    await this.#watcher?.close();
    this.#watcher = null;
  }
}
