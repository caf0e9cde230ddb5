import { hasConflictMarkers, hasForeignMarkers, mergeAttempts, writtenByMerge } from "./exact-sides.js";
import type { StageEntry } from "./keep-both.js";

const oid = (c: string) => c.repeat(40);

describe("mergeAttempts", () => {
  it("finds the side stages that no tip has, by mode and blob", () => {
    const conflicted: StageEntry[] = [
      { mode: "100644", oid: oid("1"), stage: 1, path: "c" }, // a base: never a side's
      { mode: "100644", oid: oid("2"), stage: 2, path: "c" },
      { mode: "100644", oid: oid("3"), stage: 3, path: "c" },
      { mode: "100755", oid: oid("4"), stage: 3, path: "x" }, // the blob is the tip's, the mode is not
    ];
    const tips: [Set<string>, Set<string>] = [new Set([`100644 ${oid("2")}`]), new Set([`100644 ${oid("4")}`])];
    expect(mergeAttempts(conflicted, tips).map((e) => [e.path, e.stage])).toEqual([["c", 3], ["x", 3]]);
  });
});

describe("hasConflictMarkers", () => {
  it.each([
    ["<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n", true],
    ["x\n<<<<<<<< abc:three\n<<<<<<< one\n>>>>>>> two\n>>>>>>>> def:one\n", true], // nested, 8 characters
    ["<<<<<<<\na\n>>>>>>>\n", true],
    ["Title\n=======\n", false], // a Markdown heading
    ["<<<<<<< only an opening\n", false],
    ["a <<<<<<< not at a line start >>>>>>> b\n", false],
  ])("%j → %s", (text, expected) => {
    expect(hasConflictMarkers(text)).toBe(expected);
    expect(hasConflictMarkers(Buffer.from(text))).toBe(expected);
  });
});

describe("hasForeignMarkers", () => {
  const hunk = "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n";
  it("takes markers a side wrote for the side's", () => {
    expect(hasForeignMarkers(`1\n${hunk}2\n`, [`0\n${hunk}2\n`, Buffer.from(`1\n${hunk}3\n`)])).toBe(false);
  });
  it("finds a marker line no side has", () => {
    expect(hasForeignMarkers(`<<<<<<< ${"a".repeat(40)}\n1\n=======\n2\n>>>>>>> ${"b".repeat(40)}\n`, ["1\n", "2\n"])).toBe(true);
    expect(hasForeignMarkers(`${hunk}<<<<<<<< nested\n>>>>>>>> nested\n`, [hunk, ""])).toBe(true);
  });
  it("is false without a hunk", () => {
    expect(hasForeignMarkers("plain\n", [])).toBe(false);
  });
});

describe("writtenByMerge", () => {
  it("keeps the paths whose entry differs from both parents, with the same entry", () => {
    const fromFirst = new Map([["merged.txt", `100644 ${oid("a")}`], ["theirs.txt", `100644 ${oid("b")}`], ["link", `120000 ${oid("c")}`]]);
    const fromSecond = new Map([["merged.txt", `100644 ${oid("a")}`], ["link", `120000 ${oid("c")}`]]);
    expect(writtenByMerge(fromFirst, fromSecond)).toEqual([
      { path: "link", mode: "120000", oid: oid("c") },
      { path: "merged.txt", mode: "100644", oid: oid("a") },
    ]);
  });
});
