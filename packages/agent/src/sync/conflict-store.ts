// Conflicts that merges resolved by keeping both versions, recorded in .git/herald/conflicts.json
// for `herald conflicts`. Records are read from the merge commits' trailers, so a node lists the
// conflicts of merges it fast-forwarded to as well as the ones it made. Two processes write the
// file (the agent records, `herald conflicts resolve` settles): each read-modify-write holds
// proper-lockfile's lock (a directory beside the file, stale after 10 s) so neither loses the
// other's change.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import type { ResolvedConflict } from "../git/keep-both.js";

export interface ConflictRecord extends ResolvedConflict {
  merge: string;
  time: string;
  resolved?: { time: string; keep: string };
}

export class ConflictStore {
  constructor(readonly file: string) {}

  async list(): Promise<ConflictRecord[]> {
    const text = await readFile(this.file, "utf8").catch(() => "[]");
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? (v as ConflictRecord[]) : [];
    } catch {
      return [];
    }
  }

  async add(merge: string, conflicts: ResolvedConflict[], now: Date): Promise<ConflictRecord[]> {
    return this.#locked(() => this.#add(merge, conflicts, now));
  }

  async #add(merge: string, conflicts: ResolvedConflict[], now: Date): Promise<ConflictRecord[]> {
    const all = await this.list();
    const known = new Set(all.map((c) => `${c.merge}\0${c.path}`));
    const fresh = conflicts.filter((c) => !known.has(`${merge}\0${c.path}`)).map((c) => ({ ...c, merge, time: now.toISOString() }));
    if (fresh.length) await this.#save([...all, ...fresh]);
    return fresh;
  }

  /**
   * Marks the unresolved records of `path` resolved (those of `merges` only, when given: a
   * settlement names the merges it settled); returns how many changed. Re-reads the file first so records the agent added meanwhile are kept.
   */
  async markResolved(path: string, keep: string, now: Date, merges?: string[]): Promise<number> {
    return this.#locked(() => this.#markResolved(path, keep, now, merges));
  }

  async #markResolved(path: string, keep: string, now: Date, merges?: string[]): Promise<number> {
    const all = await this.list();
    let changed = 0;
    const next = all.map((c) => {
      if (c.path !== path || c.resolved || (merges && !merges.includes(c.merge))) return c;
      changed++;
      return { ...c, resolved: { time: now.toISOString(), keep } };
    });
    if (changed) await this.#save(next);
    return changed;
  }

  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.file), { recursive: true });
    // realpath: false, the file itself may not exist yet; retries: a writer holds it for ms.
    const release = await lockfile.lock(this.file, { realpath: false, stale: 10_000, retries: { retries: 200, factor: 1.5, minTimeout: 2, maxTimeout: 20 } });
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  async #save(records: ConflictRecord[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(records, null, 1));
    await rename(tmp, this.file);
  }
}
