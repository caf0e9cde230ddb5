// MountWatcher: notices removable media (a USB drive holding a bare remote) appearing, without
// polling. `findmnt --poll` (util-linux) blocks in poll(2) on /proc/self/mountinfo and prints a
// line per change; we re-read mountinfo and diff it (mount-table.ts), as git-annex's MountWatcher
// diffs successive mount tables. A remote directory that simply appears (a mount somewhere
// above it we cannot see, or a drive that was renamed back) is caught by a plain directory
// watch on its nearest existing ancestor.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { Logger } from "../log.js";
import { diffMounts, parseMountInfo, type MountEntry } from "./mount-table.js";

export class MountWatcher {
  #findmnt: ChildProcess | null = null;
  #table: MountEntry[] = [];
  #dirWatchers = new Map<string, FSWatcher>();
  #stopped = false;
  #present = new Set<string>();

  /** `paths`: the local paths of removable remotes; `onAppear` fires when one becomes present. */
  constructor(private readonly paths: () => string[], private readonly onAppear: (path: string) => void, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.#table = await this.#read();
    for (const path of this.paths()) if (existsSync(path)) this.#present.add(path);
    try {
      const p = spawn("findmnt", ["--poll", "--noheadings", "--raw", "--output", "ACTION"], { stdio: ["ignore", "pipe", "ignore"] });
      p.once("error", () => this.log.warn("mount-watch-unavailable", { reason: "findmnt not found; directory watches only" }));
      createInterface({ input: p.stdout! }).on("line", () => void this.#changed());
      this.#findmnt = p;
    } catch {
      // no util-linux: the directory watches below still work
    }
    this.#armDirectoryWatches();
  }

  async #read(): Promise<MountEntry[]> {
    return parseMountInfo(await readFile("/proc/self/mountinfo", "utf8").catch(() => ""));
  }

  async #changed(): Promise<void> {
    const next = await this.#read();
    const { added } = diffMounts(this.#table, next);
    this.#table = next;
    if (added.length) this.log.info("mounted", { at: added.map((m) => m.mountPoint) });
    this.#check();
  }

  /** Fire for every watched path that exists now; re-arm watches for the ones that do not. */
  #check(): void {
    if (this.#stopped) return;
    for (const path of this.paths()) {
      if (!existsSync(path)) this.#present.delete(path);
      else if (!this.#present.has(path)) {
        this.#present.add(path);
        this.onAppear(path);
      }
    }
    this.#armDirectoryWatches();
  }

  #armDirectoryWatches(): void {
    const wanted = new Set<string>();
    for (const path of this.paths()) {
      if (existsSync(path)) continue;
      let dir = dirname(path);
      while (!existsSync(dir) && dir !== dirname(dir)) dir = dirname(dir);
      wanted.add(dir);
    }
    for (const [dir, w] of this.#dirWatchers) if (!wanted.has(dir)) { w.close(); this.#dirWatchers.delete(dir); }
    for (const dir of wanted) {
      if (this.#dirWatchers.has(dir)) continue;
      try {
        const w = watch(dir, () => this.#check());
        w.on("error", () => { w.close(); this.#dirWatchers.delete(dir); });
        this.#dirWatchers.set(dir, w);
      } catch {
        // unreadable ancestor: the mount table still tells us
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#findmnt?.kill();
    for (const w of this.#dirWatchers.values()) w.close();
    this.#dirWatchers.clear();
  }
}
