// Settings files followed while Herald runs (inotify through fs.watch; no polling, so an idle
// agent does no work): a clone's `.git/config` (and `.git/annex`, which `git annex init`
// creates), and the machine's `$XDG_CONFIG_HOME/herald/config`.
//
// The DIRECTORY is watched, filtered by name: git writes `config.lock` and renames it over
// `config`, and a watch on the file itself would follow the old inode and go deaf after the
// first change. Events are only nudges: the owner reads the settings itself and compares, so a
// burst (git-annex sets several keys in a row) is one read after it settles.
import { watch, type FSWatcher } from "node:fs";
import type { Logger } from "../log.js";

/** Long enough for one `git config` command's lock-and-rename pair, short enough to stay far below a second. */
export const SETTLE_MS = 40;

export class ConfigWatcher {
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(readonly dir: string, private readonly names: ReadonlySet<string>, private readonly onChange: () => void, private readonly log: Logger) {}

  /** Whether the directory could be watched (a missing one cannot). */
  start(): boolean {
    if (this.#watcher) return true;
    try {
      this.#watcher = watch(this.dir, { persistent: true }, (_event, name) => {
        // No name: the kernel's queue overflowed; anything may have changed.
        if (name === null || this.names.has(String(name))) this.#schedule();
      });
    } catch (e) {
      this.log.warn("config-watch-failed", { dir: this.dir, error: (e as Error).message });
      return false;
    }
    this.#watcher.on("error", (e) => {
      // The directory went away (a clone deleted while served): the repository's status says so.
      this.log.warn("config-watch-failed", { dir: this.dir, error: e.message });
      this.stop();
    });
    return true;
  }

  stop(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer || !this.#watcher) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      try {
        this.onChange();
      } catch (e) {
        this.log.error("config-watch-handler-failed", { dir: this.dir, error: (e as Error).message });
      }
    }, SETTLE_MS);
  }
}
