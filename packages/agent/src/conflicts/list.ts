// `herald conflicts [--all] [--json]`: what the merges kept as variants, who wrote each version,
// and which version kept the path's name.
import { formatAuthors, oursIndex, type Person, type Side } from "./sides.js";
import type { ConflictState, ConflictView, SideCache } from "./model.js";

/** `atPath`: this version kept the conflicting path's name (the others are beside it). */
export interface ListedVariant { file: string; from: string; present: boolean; atPath: boolean; authors: Person[]; ours: boolean; thisClone: boolean }

/** One entry of `--json` output (a stable shape for scripts). */
export interface ListedConflict {
  path: string;
  kind: string;
  merge: string;
  time: string;
  state: ConflictState;
  resolved?: { time: string; keep: string };
  variants: ListedVariant[];
}

export async function listConflicts(views: ConflictView[], sides: SideCache): Promise<ListedConflict[]> {
  return Promise.all(views.map(async (v) => {
    const s = await sides.sides(v.record);
    const ours = oursIndex(s);
    const sideOf = (from: string): Side | undefined => s.find((x) => x.from === from);
    return {
      path: v.record.path,
      kind: v.record.kind,
      merge: v.record.merge,
      time: v.record.time,
      state: v.state,
      ...(v.record.resolved ? { resolved: v.record.resolved } : {}),
      variants: v.variants.map((x) => ({
        file: x.file, from: x.from, present: x.present, atPath: x.file === v.record.path,
        authors: sideOf(x.from)?.authors ?? [],
        ours: ours !== null && s[ours]?.from === x.from,
        thisClone: sideOf(x.from)?.thisClone ?? false,
      })),
    };
  }));
}

const short = (sha: string) => sha.slice(0, 12);

/** `2026-05-01T12:34:56.789Z` → `2026-05-01 12:34 UTC`; anything else as it is. */
function when(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function stateText(c: ListedConflict): string {
  if (c.state === "resolved") return `, resolved ${when(c.resolved!.time)}, kept ${c.resolved!.keep}`;
  if (c.state === "gone") return ", settled (no variant file left in HEAD)";
  return "";
}

export function formatList(conflicts: ListedConflict[]): string {
  if (conflicts.length === 0) return "no conflicts\n";
  const out: string[] = [];
  for (const c of conflicts) {
    out.push(`${c.path}: ${c.kind} conflict, merged ${when(c.time)} in ${short(c.merge)}${stateText(c)}`);
    const width = Math.max(...c.variants.map((v) => v.file.length));
    for (const v of c.variants) {
      const notes = [v.atPath ? "kept the name" : "", v.ours ? "ours" : "", v.thisClone ? "committed here" : "", v.present ? "" : "gone"].filter(Boolean);
      out.push(`  ${v.file.padEnd(width)}  from ${short(v.from)} by ${formatAuthors(v.authors)}${notes.length ? ` (${notes.join(", ")})` : ""}`);
    }
  }
  return `${out.join("\n")}\n`;
}
