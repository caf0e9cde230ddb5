// Pure: one line of `git annex copy|get --json --json-progress` output (git-annex
// doc/git-annex-common-options: progress lines carry "byte-progress" and "total-size"; the
// closing line of each file carries "success").
export type AnnexLine =
  | { kind: "progress"; bytes: number; total: number | null }
  | { kind: "result"; success: boolean; error: string }
  | { kind: "other" };

export function parseAnnexLine(line: string): AnnexLine {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return { kind: "other" };
  }
  if (!j || typeof j !== "object") return { kind: "other" };
  const o = j as Record<string, unknown>;
  if (typeof o["byte-progress"] === "number") {
    return { kind: "progress", bytes: o["byte-progress"], total: typeof o["total-size"] === "number" ? o["total-size"] : null };
  }
  if (typeof o.success === "boolean") {
    const msgs = Array.isArray(o["error-messages"]) ? o["error-messages"].map(String) : [];
    return { kind: "result", success: o.success, error: msgs.join(" ").slice(0, 300) };
  }
  return { kind: "other" };
}
