// Pure: the conflicts a merge resolved are written into its (deterministic) commit message, so every
// node that later holds the merge, whether it made it or fast-forwarded to it, can list them.
//
//   herald-conflict: content f.txt -> f.variant-b19a1e93.txt@<sha>, f.variant-950b81b7.txt@<sha>
import type { ConflictKind, ResolvedConflict } from "./keep-both.js";

const PREFIX = "herald-conflict: ";
const KINDS: ReadonlySet<string> = new Set<ConflictKind>(["content", "add/add", "modify/delete", "file/directory", "rename"]);

// Paths are JSON-quoted so spaces, arrows and newlines in names cannot confuse the parser.
export function conflictTrailer(conflicts: ResolvedConflict[]): string {
  if (conflicts.length === 0) return "";
  return "\n" + conflicts.map((c) =>
    `${PREFIX}${JSON.stringify({ kind: c.kind, path: c.path, variants: c.variants })}\n`).join("");
}

export function parseConflictTrailer(message: string): ResolvedConflict[] {
  return jsonLines(message, PREFIX, (x) => {
    const v = x as ResolvedConflict;
    return typeof v?.path === "string" && KINDS.has(v.kind) && Array.isArray(v.variants)
      && v.variants.every((x) => typeof x?.file === "string" && typeof x?.from === "string")
      ? { path: v.path, kind: v.kind, variants: v.variants.map(({ file, from }) => ({ file, from })) } : null;
  });
}

/** The lines of `message` that start with `prefix` and hold JSON that `accept` takes. */
function jsonLines<T>(message: string, prefix: string, accept: (value: unknown) => T | null): T[] {
  const out: T[] = [];
  for (const line of message.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    try {
      const v = accept(JSON.parse(line.slice(prefix.length)));
      if (v !== null) out.push(v);
    } catch {
      // not ours; ignore
    }
  }
  return out;
}

// A person's settlement (`herald conflicts resolve`) is a commit too, so every clone that takes
// it in learns the conflict is settled, also when both versions were kept and no file changed:
//
//   herald-settled: {"path":"f.txt","keep":"both","merges":["<sha of the merge that kept both>"]}
const SETTLED = "herald-settled: ";

export interface Settlement { path: string; keep: string; merges: string[] }

export function settlementTrailer(s: Settlement): string {
  return `${SETTLED}${JSON.stringify({ path: s.path, keep: s.keep, merges: s.merges })}\n`;
}

export function parseSettlementTrailer(message: string): Settlement[] {
  return jsonLines(message, SETTLED, (x) => {
    const v = x as Settlement;
    return typeof v?.path === "string" && typeof v.keep === "string" && Array.isArray(v.merges) && v.merges.every((m) => typeof m === "string")
      ? { path: v.path, keep: v.keep, merges: [...v.merges] } : null;
  });
}
