import { parseDiffTree, parseIndex, redoEdits, undoesTheMove, type MovedPath } from "./stale-index.js";

const A = "a".repeat(40), B = "b".repeat(40), Z = "0".repeat(40);

describe("the move undone in the index", () => {
  const moved: MovedPath[] = [
    { path: "new.txt", to: `100644 ${A}` },
    { path: "edit.txt", from: `100644 ${A}`, to: `100644 ${B}` },
    { path: "gone.txt", from: `100755 ${B}` },
  ];

  it("reads diff-tree's paths, with modes, additions and removals", () => {
    const out = `:000000 100644 ${Z} ${A} A\0new.txt\0:100644 100644 ${A} ${B} M\0edit.txt\0:100755 000000 ${B} ${Z} D\0gone.txt\0`;
    expect(parseDiffTree(out)).toEqual(moved);
    expect(parseDiffTree("")).toEqual([]);
  });

  it("reads the index by path, an unmerged path as such", () => {
    const out = `100644 ${A} 0\tedit.txt\x00100644 ${A} 1\tboth.txt\x00100644 ${B} 2\tboth.txt\x00120000 ${B} 0\ta dir/link\x00`;
    expect(parseIndex(out)).toEqual(new Map([["edit.txt", `100644 ${A}`], ["both.txt", "unmerged"], ["a dir/link", `120000 ${B}`]]));
  });

  it("is undone when every moved path holds its entry from before the move, and only then", () => {
    const before = new Map([["edit.txt", `100644 ${A}`], ["gone.txt", `100755 ${B}`], ["mine.txt", `100644 ${B}`]]);
    expect(undoesTheMove(moved, before)).toBe(true);
    // one path at the move's entry (the user added it back, say): not the move undone
    expect(undoesTheMove(moved, new Map([...before, ["new.txt", `100644 ${A}`]]))).toBe(false);
    // a mode the user changed, an unmerged path: not ours to touch
    expect(undoesTheMove(moved, new Map([...before, ["gone.txt", `100644 ${B}`]]))).toBe(false);
    expect(undoesTheMove(moved, new Map([...before, ["edit.txt", "unmerged"]]))).toBe(false);
    expect(undoesTheMove([], before)).toBe(false);
  });

  it("makes the move again: removals first, then the move's entries", () => {
    expect(redoEdits(moved)).toEqual([
      { op: "remove", path: "gone.txt" },
      { op: "add", path: "new.txt", mode: "100644", oid: A },
      { op: "add", path: "edit.txt", mode: "100644", oid: B },
    ]);
  });
});
