// The daemon's repository list, $XDG_CONFIG_HOME/herald/repos: one absolute path per line, blank
// lines and #-comments ignored, so a user may also edit it by hand. `herald add` and `herald remove`
// change it under a lock with an atomic rename; the daemon follows it with RepoListWatcher.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, posix } from "node:path";
import lockfile from "proper-lockfile";
import { HeraldError } from "../errors.js";
import type { Logger } from "../log.js";
import { ConfigWatcher } from "../watch/config-watcher.js";

export interface RepoList { paths: string[]; problems: string[] }

/** `/a//b/./c/` → `/a/b/c`, so one clone written two ways is one entry. */
function normal(path: string): string {
  const p = posix.normalize(path);
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/** One entry per line in order of first appearance; a relative path is reported, not guessed at. */
export function parseRepoList(text: string): RepoList {
  const paths: string[] = [], problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    // Relative to what? The daemon's cwd is no answer a user could predict.
    if (!line.startsWith("/")) return void problems.push(`line ${i + 1}: ${JSON.stringify(line)} is not an absolute path`);
    const p = normal(line);
    if (!seen.has(p)) paths.push(p);
    seen.add(p);
  });
  return { paths, problems };
}

export function formatRepoList(paths: readonly string[]): string {
  return paths.map((p) => `${p}\n`).join("");
}

/** The text with `dir` appended, or null if already listed; comments and other lines are kept. */
export function withRepoAdded(text: string, dir: string): string | null {
  const p = absolute(dir);
  if (parseRepoList(text).paths.includes(p)) return null;
  return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${p}\n`;
}

/** The text without any line naming `dir`, or null if none did. */
export function withRepoRemoved(text: string, dir: string): string | null {
  const p = absolute(dir);
  const lines = text.split(/(?<=\n)/);
  const kept = lines.filter((l) => { const t = l.trim(); return !(t.startsWith("/") && normal(t) === p); });
  return kept.length === lines.length ? null : kept.join("");
}

function absolute(dir: string): string {
  if (!isAbsolute(dir)) throw new HeraldError("USAGE", `${dir} is not an absolute path`, { dir });
  return normal(dir);
}

async function readText(file: string): Promise<string> {
  return readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? "" : Promise.reject(e)));
}

/** The list as it is now; a missing file is an empty list. */
export async function readRepoList(file: string): Promise<RepoList> {
  return parseRepoList(await readText(file));
}

export const addRepo = (file: string, dir: string): Promise<boolean> => edit(file, (t) => withRepoAdded(t, dir));
export const removeRepo = (file: string, dir: string): Promise<boolean> => edit(file, (t) => withRepoRemoved(t, dir));

/**
 * Read-modify-write under proper-lockfile's lock (two `herald add` at once must both land), and
 * replace by rename so the daemon never reads a half-written list.
 */
async function edit(file: string, change: (text: string) => string | null): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true });
  // realpath: false, the list may not exist yet; retries: a writer holds it for milliseconds.
  const release = await lockfile.lock(file, { realpath: false, stale: 10_000, retries: { retries: 200, factor: 1.5, minTimeout: 2, maxTimeout: 20 } });
  try {
    const next = change(await readText(file));
    if (next === null) return false;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, next);
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return true;
  } finally {
    await release();
  }
}

/**
 * Follows the list with fs.watch on its DIRECTORY (config-watcher.ts): add/remove replace the file
 * by rename, which a watch on the file itself would lose (it follows the old inode). Event-driven,
 * so an idle daemon does no work; onChange hears only real changes of the paths.
 */
export class RepoListWatcher {
  #watcher: ConfigWatcher | null = null;
  #reading: Promise<void> | null = null;
  #again = false;
  #last: string | null = null;
  #lastProblems = "";

  constructor(readonly file: string, private readonly onChange: (paths: string[]) => void, private readonly log: Logger) {}

  async start(): Promise<void> {
    const dir = dirname(this.file), name = basename(this.file);
    await mkdir(dir, { recursive: true });
    // Watch before the first read: a change in between is then seen, not lost.
    const w = new ConfigWatcher(dir, new Set([name]), () => void this.#read(), this.log);
    if (w.start()) this.#watcher = w;
    await this.#read();
  }

  stop(): void {
    this.#watcher?.stop();
    this.#watcher = null;
  }

  /** One read at a time; a change during a read gets one more read after it. */
  async #read(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = this.#readOnce().finally(() => { this.#reading = null; });
    await this.#reading;
    if (this.#again && this.#watcher) {
      this.#again = false;
      await this.#read();
    }
  }

  async #readOnce(): Promise<void> {
    let list: RepoList;
    try {
      list = await readRepoList(this.file);
    } catch (e) {
      return this.log.warn("repo-list-unreadable", { file: this.file, error: (e as Error).message });
    }
    const problems = list.problems.join("\n");
    if (problems !== this.#lastProblems) for (const p of list.problems) this.log.warn("repo-list-problem", { file: this.file, problem: p });
    this.#lastProblems = problems;
    const key = JSON.stringify(list.paths);
    if (key === this.#last) return;
    this.#last = key;
    try {
      this.onChange(list.paths);
    } catch (e) {
      this.log.error("repo-list-handler-failed", { error: (e as Error).message });
    }
  }
}
