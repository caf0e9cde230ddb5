// The machine's settings ($XDG_CONFIG_HOME/herald/config) as the repositories start with them:
// read once per change of the file and shared by every repository's look, the file followed
// while Herald runs (watch/config-watcher.ts) so a change reaches every repository it affects.
import { mkdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "../log.js";
import { ConfigWatcher } from "../watch/config-watcher.js";
import { readMachineEntries, unknownMachineKeys, type ConfigEntry } from "./machine-config.js";

export class MachineSettings {
  #cached: Promise<ConfigEntry[]> | null = null;
  #watcher: ConfigWatcher | null = null;

  /** `file`: none, no machine settings. */
  constructor(private readonly file: string | null, private readonly log: Logger) {}

  /** Follow the file: `onChange` hears of every change, after which entries() reads it again. */
  follow(onChange: () => void): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const w = new ConfigWatcher(dirname(this.file), new Set([basename(this.file)]), () => { this.#cached = null; onChange(); }, this.log.child("config-watcher").with({ file: this.file }));
    if (w.start()) this.#watcher = w;
  }

  /** The entries (a file git cannot read rejects, with its error, for every repository). */
  entries = (): Promise<ConfigEntry[]> => {
    if (!this.file) return Promise.resolve([]);
    if (!this.#watcher) return this.#read(); // nothing tells of a change: read each time
    return (this.#cached ??= this.#read());
  };

  async #read(): Promise<ConfigEntry[]> {
    const entries = await readMachineEntries(this.file!);
    const unknown = unknownMachineKeys(entries);
    if (unknown.length) this.log.warn("machine-config-ignored", { file: this.file, keys: unknown, why: "per-clone settings belong in the clone's git config" });
    return entries;
  }

  stop(): void {
    this.#watcher?.stop();
    this.#watcher = null;
  }
}
