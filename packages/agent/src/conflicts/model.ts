// Conflict records (.git/herald/conflicts.json) joined with what HEAD says now. The file is only
// written by merges on this clone, so a conflict settled on another clone and fast-forwarded in
// still reads "unresolved" there; HEAD is the truth: once every variant file beside the path is
// gone, it is settled (the path itself keeps a version either way).
import { parseSettlementTrailer } from "../git/conflict-trailer.js";
import type { ConflictRecord } from "../sync/conflict-store.js";
import { inHead, localCommits, userEmail, type Clone } from "./clone.js";
import { describeSide, mergeParents, type Side } from "./sides.js";

export type ConflictState = "open" | "resolved" | "gone";

export interface VariantView { file: string; from: string; present: boolean }

export interface ConflictView {
  record: ConflictRecord;
  /** open; resolved (the record says so); gone (no variant file beside the path left in HEAD: settled elsewhere). */
  state: ConflictState;
  variants: VariantView[];
}

export async function loadConflicts(clone: Clone): Promise<ConflictView[]> {
  const stored = await clone.store.list();
  const present = await inHead(clone.repo, [...new Set(stored.flatMap((r) => r.variants.map((v) => v.file)))]);
  // Settled on another clone while no agent ran here to take note: the settlement commit is in
  // HEAD all the same (a `herald-settled:` trailer naming the merge), so it counts.
  const settled = stored.some((r) => !r.resolved) ? await settlementsInHead(clone) : new Map<string, ConflictRecord["resolved"]>();
  const records = stored.map((r) => (r.resolved || !settled.has(`${r.merge}\0${r.path}`) ? r : { ...r, resolved: settled.get(`${r.merge}\0${r.path}`) }));
  return records.map((record) => {
    const variants = record.variants.map((v) => ({ ...v, present: present.has(v.file) }));
    const state: ConflictState = record.resolved ? "resolved" : isOpen(record.path, variants) ? "open" : "gone";
    return { record, state, variants };
  });
}

/**
 * A conflict stays open while a version beside the path is in HEAD: the version that kept the
 * name stays when the others are removed, so it says nothing. A conflict whose only version is at
 * the path (modify/delete, one side of a rename) is open while that is there.
 */
export function isOpen(path: string, variants: VariantView[]): boolean {
  const beside = variants.filter((v) => v.file !== path);
  return (beside.length ? beside : variants).some((v) => v.present);
}

/** Settlements in HEAD's history, by "merge\0path" (one `git log` over the commits that have one). */
async function settlementsInHead(clone: Clone): Promise<Map<string, ConflictRecord["resolved"]>> {
  const out = new Map<string, ConflictRecord["resolved"]>();
  if (!(await clone.repo.head())) return out;
  const log = await clone.repo.run(["log", "--no-merges", "--grep=^herald-settled: ", "--format=%cI%x00%B%x00", "HEAD", "--"]);
  const parts = log.split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    for (const s of parseSettlementTrailer(parts[i + 1]!)) {
      for (const merge of s.merges) out.set(`${merge}\0${s.path}`, { time: new Date(parts[i]!.trim()).toISOString(), keep: s.keep });
    }
  }
  return out;
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
