// The machine's settings ($XDG_CONFIG_HOME/herald/config) as the repositories start with them:
// read once per change of the file and shared by every repository's look, the file followed
// while Herald runs (watch/config-watcher.ts) so a change reaches every repository it affects.
import { mkdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "../log.js";
import { ConfigWatcher } from "../watch/config-watcher.js";
import type { ConfigEntry } from "./machine-config.js";

export class MachineSettings {
  #cached: Promise<ConfigEntry[]> | null = null;
  #watcher: ConfigWatcher | null = null;

  /** `read`: none, no machine settings (the single-clone agent). */
  constructor(private readonly read?: () => Promise<ConfigEntry[]>) {}

  /** Follow `file`: `onChange` hears of every change, after which entries() reads it again. */
  follow(file: string, onChange: () => void, log: Logger): void {
    mkdirSync(dirname(file), { recursive: true });
    const w = new ConfigWatcher(dirname(file), new Set([basename(file)]), () => { this.#cached = null; onChange(); }, log.with({ file }));
    if (w.start()) this.#watcher = w;
  }

  /** The entries (a file that cannot be read rejects, with its error, for every repository). */
  entries = (): Promise<ConfigEntry[]> => {
    if (!this.read) return Promise.resolve([]);
    if (!this.#watcher) return this.read(); // nothing tells of a change: read each time
    return (this.#cached ??= this.read());
  };

  stop(): void {
    this.#watcher?.stop();
    this.#watcher = null;
  }
}
