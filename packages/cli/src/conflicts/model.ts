// Conflict records (.git/herald/conflicts.json) joined with what HEAD says now. The file is only
// written by merges on this clone, so a conflict settled on another clone and fast-forwarded in
// still reads "unresolved" there; HEAD is the truth: once every variant file is gone, it is settled.
import type { ConflictRecord } from "@herald/agent";
import { inHead, localCommits, userEmail, type Clone } from "./clone.js";
import { describeSide, mergeParents, type Side } from "./sides.js";

export type ConflictState = "open" | "resolved" | "gone";

export interface VariantView { file: string; from: string; present: boolean }

export interface ConflictView {
  record: ConflictRecord;
  /** open; resolved (the record says so); gone (no variant file left in HEAD: settled elsewhere). */
  state: ConflictState;
  variants: VariantView[];
}

export async function loadConflicts(clone: Clone): Promise<ConflictView[]> {
  const records = await clone.store.list();
  const present = await inHead(clone.repo, [...new Set(records.flatMap((r) => r.variants.map((v) => v.file)))]);
  return records.map((record) => {
    const variants = record.variants.map((v) => ({ ...v, present: present.has(v.file) }));
    const state: ConflictState = record.resolved ? "resolved" : variants.some((v) => v.present) ? "open" : "gone";
    return { record, state, variants };
  });
}

/** The records for the path the user typed (first form that has any), or null. */
export function conflictsFor(views: ConflictView[], candidates: string[]): { path: string; views: ConflictView[] } | null {
  for (const path of candidates) {
    const found = views.filter((v) => v.record.path === path);
    if (found.length) return { path, views: found };
  }
  return null;
}

/** Both sides of each record (the merge's parents), described for this clone's user. */
export class SideCache {
  #me: Promise<string | null>;
  #local: Promise<Set<string>>;
  #cache = new Map<string, Promise<Side[]>>();

  constructor(private readonly clone: Clone) {
    this.#me = userEmail(clone.repo);
    this.#local = localCommits(clone.repo);
  }

  sides(record: ConflictRecord): Promise<Side[]> {
    const key = `${record.merge}\0${record.path}`;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#describe(record);
      this.#cache.set(key, p);
    }
    return p;
  }

  async #describe(record: ConflictRecord): Promise<Side[]> {
    const [me, local] = await Promise.all([this.#me, this.#local]);
    const parents = await mergeParents(this.clone.repo, record.merge);
    // Without the merge commit (should not happen), the variants' own `from`s are all we know.
    const froms = parents.length === 2 ? parents : [...new Set(record.variants.map((v) => v.from))];
    return Promise.all(froms.map((from, i) =>
      describeSide(this.clone.repo, record.path, from, froms.length === 2 ? froms[1 - i] : undefined, me, local)));
  }
}
