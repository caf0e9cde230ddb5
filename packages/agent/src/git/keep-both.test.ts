import { indexInfo, keepBoth, keeperOf, parseMergeTree } from "./keep-both.js";
import { variantFileName } from "./variant-file-name.js";

const P1 = "1".repeat(40), P2 = "2".repeat(40);
const base = "df967b96a579e45a18b8251732d16804b2e56a55";
const ours = "b19a1e93bec1317dc6097229e12afaffbfa74dc2";
const theirs = "950b81b7eee953d050aa05a641f8e056c85dd1bd";
const entry = (oid: string, stage: number, path: string) => `100644 ${oid} ${stage}\t${path}`;

// Shaped like real `git merge-tree --write-tree -z` output (git 2.39), with messages after the empty record.
const out = [
  "26dd4a5f6b1fc99de265b10f3287bb46a70d9324",
  entry("f73f3093ff865c514c6c51f867e35f693487d0d3", 3, `d~${P2}`),
  entry(base, 1, "f.txt"), entry(ours, 2, "f.txt"), entry(theirs, 3, "f.txt"),
  entry(base, 1, "g"), entry(ours, 2, "g"),
  entry(base, 1, "r.txt"), entry(base, 3, "r2.txt"), entry(base, 2, "r3.txt"),
  entry(ours, 2, "same"), entry(ours, 3, "same"),
  "", "1", "f.txt", "CONFLICT (contents)", "CONFLICT (content): Merge conflict in f.txt", "",
].join("\0");

describe("parseMergeTree", () => {
  it("reads the tree and every conflicted stage, stopping at the messages", () => {
    const r = parseMergeTree(out);
    expect(r.tree).toBe("26dd4a5f6b1fc99de265b10f3287bb46a70d9324");
    expect(r.conflicted).toHaveLength(11);
    expect(r.conflicted[1]).toEqual({ mode: "100644", oid: base, stage: 1, path: "f.txt" });
  });
  it("reads a clean merge as no conflicts", () => {
    expect(parseMergeTree("26dd4a5f6b1fc99de265b10f3287bb46a70d9324\0")).toEqual({ tree: "26dd4a5f6b1fc99de265b10f3287bb46a70d9324", conflicted: [] });
  });
});

describe("keepBoth", () => {
  const { edits, conflicts } = keepBoth(parseMergeTree(out).conflicted, [P1, P2]);
  const added = new Map(edits.filter((e) => e.op === "add").map((e) => [e.path, e.op === "add" ? e.oid : ""]));
  const removed = edits.filter((e) => e.op === "remove").map((e) => e.path);

  it("keeps the keeper's version at the path and the other side's beside it as a variant", () => {
    expect(removed).toContain("f.txt");
    expect(added.get("f.txt")).toBe(ours);
    expect(added.has("f.variant-b19a1e93.txt")).toBe(false);
    expect(added.get("f.variant-950b81b7.txt")).toBe(theirs);
    expect(conflicts.find((c) => c.path === "f.txt")).toEqual({
      path: "f.txt", kind: "content",
      variants: [{ file: "f.txt", from: P1 }, { file: "f.variant-950b81b7.txt", from: P2 }],
    });
  });
  it("keeps the second parent's version at the path when it is the keeper", () => {
    const r = keepBoth(parseMergeTree(out).conflicted, [P1, P2], 1);
    const at = new Map(r.edits.filter((e) => e.op === "add").map((e) => [e.path, e.op === "add" ? e.oid : ""]));
    expect(at.get("f.txt")).toBe(theirs);
    expect(at.get("f.variant-b19a1e93.txt")).toBe(ours);
    expect(r.conflicts.find((c) => c.path === "f.txt")?.variants).toEqual([{ file: "f.txt", from: P2 }, { file: "f.variant-b19a1e93.txt", from: P1 }]);
  });
  it("keeps the keeper's mode, link or gitlink at the path and the other's as a variant named by mode too", () => {
    const modes = [
      { mode: "100755", oid: ours, stage: 2 as const, path: "x" }, { mode: "100644", oid: ours, stage: 3 as const, path: "x" },
      { mode: "160000", oid: ours, stage: 2 as const, path: "sub" }, { mode: "160000", oid: theirs, stage: 3 as const, path: "sub" },
      { mode: "120000", oid: theirs, stage: 2 as const, path: "ln" }, { mode: "100644", oid: ours, stage: 3 as const, path: "ln" },
    ];
    const adds = keepBoth(modes, [P1, P2]).edits.filter((e) => e.op === "add");
    expect(adds).toEqual([
      { op: "add", path: "ln", mode: "120000", oid: theirs }, { op: "add", path: "ln.variant-b19a1e93", mode: "100644", oid: ours },
      { op: "add", path: "sub", mode: "160000", oid: ours }, { op: "add", path: variantFileName("sub", theirs, "160000"), mode: "160000", oid: theirs },
      { op: "add", path: "x", mode: "100755", oid: ours }, { op: "add", path: "x.variant-b19a1e93", mode: "100644", oid: ours },
    ]);
  });
  it("keeps the modified side of a modify/delete at its path", () => {
    expect(added.get("g")).toBe(ours);
    expect(conflicts.find((c) => c.path === "g")?.kind).toBe("modify/delete");
  });
  it("keeps both targets of a rename/rename and drops the source", () => {
    expect(removed).toContain("r.txt");
    expect(added.has("r.txt")).toBe(false);
    expect(added.get("r2.txt")).toBe(base);
    expect(added.get("r3.txt")).toBe(base);
  });
  it("leaves the directory at the path and gives the file moved out of its way a variant name", () => {
    expect(removed).toContain(`d~${P2}`);
    expect(added.get("d.variant-f73f3093")).toBe("f73f3093ff865c514c6c51f867e35f693487d0d3");
    expect(conflicts.find((c) => c.path === "d")).toEqual({ path: "d", kind: "file/directory", variants: [{ file: "d.variant-f73f3093", from: P2 }] });
  });
  it("keeps a file beside a directory at its path (a directory/file conflict as read-tree leaves it)", () => {
    const df = [{ mode: "100644", oid: ours, stage: 2 as const, path: "n" }, { mode: "100644", oid: theirs, stage: 3 as const, path: "n/x" }];
    const r = keepBoth(df, [P1, P2]);
    expect(r.edits.filter((e) => e.op === "add").map((e) => e.path)).toEqual(["n.variant-b19a1e93", "n/x"]);
    expect(r.conflicts[0]).toEqual({ path: "n", kind: "file/directory", variants: [{ file: "n.variant-b19a1e93", from: P1 }] });
    // A directory the merged tree holds (a clean entry in it) counts the same.
    expect(keepBoth([df[0]!], [P1, P2], 0, [{ path: "n/clean", mode: "100644", oid: ours }]).edits).toEqual([{ op: "remove", path: "n" }, { op: "add", path: "n.variant-b19a1e93", mode: "100644", oid: ours }]);
  });
  it("treats identical sides as no conflict", () => {
    expect(added.get("same")).toBe(ours);
    expect(conflicts.find((c) => c.path === "same")).toBeUndefined();
  });
  it("is the same whichever node computes it", () => {
    expect(keepBoth(parseMergeTree(out).conflicted, [P1, P2])).toEqual({ edits, conflicts });
  });
  it("writes NUL-terminated index-info records", () => {
    expect(indexInfo([{ op: "remove", path: "a b" }, { op: "add", path: "c", mode: "100644", oid: ours }]))
      .toBe(`0 ${"0".repeat(40)}\ta b\x00100644 ${ours}\tc\x00`);
  });
});

describe("keeperOf", () => {
  it("takes the newer commit, and the first in canonical order on a tie", () => {
    expect(keeperOf([{ sha: P1, committerTime: 10 }, { sha: P2, committerTime: 20 }])).toBe(1);
    expect(keeperOf([{ sha: P1, committerTime: 30 }, { sha: P2, committerTime: 20 }])).toBe(0);
    expect(keeperOf([{ sha: P1, committerTime: 20 }, { sha: P2, committerTime: 20 }])).toBe(0);
  });
});

describe("a variant's name that already holds something else", () => {
  // Seen in the merge fuzzer (seed 2026, case 3192): an earlier conflict at f.txt kept the
  // second side's version as f.variant-<its id>.txt; the first side then edited that file (it is
  // their work now), and a later merge, again in conflict at f.txt with the same version of the
  // second side, named it f.variant-<its id>.txt again and wrote over the edits.
  const edited = "3".repeat(40);
  const taken = variantFileName("f.txt", theirs);
  const conflicted = [entry(base, 1, "f.txt"), entry(ours, 2, "f.txt"), entry(theirs, 3, "f.txt")].map((r) => parseMergeTree(`t\0${r}\0`).conflicted[0]!);

  it("goes to another name, the same on every node, and the file there is left as the merge has it", () => {
    const tree = [{ path: "f.txt", mode: "100644", oid: "4".repeat(40) }, { path: taken, mode: "100644", oid: edited }];
    const r = keepBoth(conflicted, [P1, P2], 0, tree);
    const adds = r.edits.filter((e) => e.op === "add");
    expect(adds.map((e) => e.path)).not.toContain(taken);
    expect(r.edits.filter((e) => e.op === "remove").map((e) => e.path)).toEqual(["f.txt"]);
    const variant = adds.find((e) => e.path !== "f.txt")!;
    expect(variant).toEqual({ op: "add", path: variantFileName("f.txt", theirs, "100644", 8, 1), mode: "100644", oid: theirs });
    expect(variant.path).toMatch(/^f\.variant-[0-9a-f]{8}\.txt$/);
    expect(r.conflicts[0]!.variants.map((v) => v.file)).toEqual(["f.txt", variant.path]);
    expect(keepBoth(conflicted, [P1, P2], 0, [...tree].reverse())).toEqual(r);
  });

  it("keeps its usual name where that name holds the same version already", () => {
    const r = keepBoth(conflicted, [P1, P2], 0, [{ path: taken, mode: "100644", oid: theirs }]);
    expect(r.edits.filter((e) => e.op === "add").map((e) => e.path)).toEqual(["f.txt", taken]);
  });

  it("does not take the name of another conflicted path", () => {
    const both = [...conflicted, ...[entry(base, 1, taken), entry(ours, 2, taken), entry(edited, 3, taken)].map((r) => parseMergeTree(`t\0${r}\0`).conflicted[0]!)];
    const r = keepBoth(both, [P1, P2], 0);
    const adds = r.edits.filter((e) => e.op === "add");
    // f.txt's variant and the conflict at `taken` each keep their own versions under their own names.
    expect(new Set(adds.map((e) => e.path)).size).toBe(adds.length);
    expect(adds.filter((e) => e.op === "add" && e.oid === theirs)).toHaveLength(1);
    expect(adds.find((e) => e.path === taken)).toEqual({ op: "add", path: taken, mode: "100644", oid: ours });
  });
});
