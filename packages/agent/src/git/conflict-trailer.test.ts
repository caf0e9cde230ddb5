import { conflictTrailer, parseConflictTrailer, parseSettlementTrailer, settlementTrailer } from "./conflict-trailer.js";
import type { ResolvedConflict } from "./keep-both.js";

const conflicts: ResolvedConflict[] = [
  { path: "a b -> c.txt", kind: "content", variants: [{ file: "a b -> c.variant-11111111.txt", from: "1".repeat(40) }, { file: "a b -> c.variant-22222222.txt", from: "2".repeat(40) }] },
  { path: "g", kind: "modify/delete", variants: [{ file: "g", from: "3".repeat(40) }] },
];

describe("conflict trailer", () => {
  it("round-trips through a commit message, odd names included", () => {
    const msg = "herald: merge x and y\n" + conflictTrailer(conflicts);
    expect(parseConflictTrailer(msg)).toEqual(conflicts);
  });
  it("adds nothing for a clean merge", () => {
    expect(conflictTrailer([])).toBe("");
  });
  it("ignores lines that are not well-formed records", () => {
    expect(parseConflictTrailer('herald-conflict: {"kind":"bogus","path":"x","variants":[]}\nherald-conflict: not json\n')).toEqual([]);
  });
});

describe("settlement trailer", () => {
  const merge = "a".repeat(40);
  it("round-trips any path and label, among other lines", () => {
    const s = { path: "dir/we ird\n -> name.txt", keep: "theirs (f.variant-0123abcd.txt)", merges: [merge] };
    const message = `herald: settle conflict\n\nbody line\n${settlementTrailer(s)}herald-settled: not json\n`;
    expect(parseSettlementTrailer(message)).toEqual([s]);
  });
  it("ignores trailers of the wrong shape", () => {
    expect(parseSettlementTrailer(`herald-settled: {"path":1,"keep":"both","merges":[]}\nherald-settled: {"path":"x","keep":"both"}\n`)).toEqual([]);
  });
});
