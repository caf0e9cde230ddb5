// Conflicts that merges resolved by keeping both versions, recorded in .git/herald/conflicts.json
// for `herald conflicts`. Records are read from the merge commits' trailers, so a node lists the
// conflicts of merges it fast-forwarded to as well as the ones it made.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
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
    const all = await this.list();
    const known = new Set(all.map((c) => `${c.merge}\0${c.path}`));
    const fresh = conflicts.filter((c) => !known.has(`${merge}\0${c.path}`)).map((c) => ({ ...c, merge, time: now.toISOString() }));
    if (fresh.length) await this.save([...all, ...fresh]);
    return fresh;
  }

  /**
   * Marks the unresolved records of `path` resolved (those of `merges` only, when given: a
   * settlement names the merges it settled); returns how many changed. Re-reads the file first so records the agent added meanwhile are kept.
   */
  async markResolved(path: string, keep: string, now: Date, merges?: string[]): Promise<number> {
    const all = await this.list();
    let changed = 0;
    const next = all.map((c) => {
      if (c.path !== path || c.resolved || (merges && !merges.includes(c.merge))) return c;
      changed++;
      return { ...c, resolved: { time: now.toISOString(), keep } };
    });
    if (changed) await this.save(next);
    return changed;
  }

  async save(records: ConflictRecord[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(records, null, 1));
    await rename(tmp, this.file);
  }
}
