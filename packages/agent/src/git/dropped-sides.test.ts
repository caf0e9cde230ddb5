import { droppedVersions, type Entries } from "./dropped-sides.js";

const e = (mode: string, c: string) => `${mode} ${c.repeat(40)}`;
const tree = (o: Record<string, string>): Entries => new Map(Object.entries(o));

describe("droppedVersions (a criss-cross merge dropping a side's own version)", () => {
  const base1 = tree({ f: e("100755", "1") }), base2 = tree({});

  it("finds a side's own version whose path the merge deleted (seed 2026 case 114: a mode change against a delete)", () => {
    const sides: [Entries, Entries] = [tree({}), tree({ f: e("100644", "1") })];
    expect(droppedVersions(sides, [base1, base2], tree({}))).toEqual([{ side: 1, path: "f", entry: e("100644", "1") }]);
    // Kept anywhere in the merge (at its path, as a variant, or where a rename took it): nothing dropped.
    expect(droppedVersions(sides, [base1, base2], tree({ g: e("100644", "1") }))).toEqual([]);
  });

  it("finds a side's own version replaced by the other side's version exactly (case 419: a line kept against its removal)", () => {
    const sides: [Entries, Entries] = [tree({ "n/f": e("100644", "a") }), tree({ "d/f": e("100644", "b") })];
    expect(droppedVersions(sides, [tree({ "d/f": e("100644", "c") }), tree({})], tree({ "n/f": e("100644", "b") }))).toEqual([{ side: 0, path: "n/f", entry: e("100644", "a") }]);
  });

  it("takes something new at the path for both sides' changes merged; a merged rename is counted as a drop (made again from the tips: a conflict, nothing lost)", () => {
    const bases = [tree({ f: e("100644", "c") }), tree({})];
    expect(droppedVersions([tree({ f: e("100644", "a") }), tree({ f: e("100644", "b") })], bases, tree({ f: e("100644", "d") }))).toEqual([]);
    expect(droppedVersions([tree({ g: e("100644", "a") }), tree({ f: e("100644", "b") })], bases, tree({ g: e("100644", "d") }))).toEqual([{ side: 1, path: "f", entry: e("100644", "b") }]);
  });

  it("leaves alone what a base had (the side did not write it) and a merge with one base", () => {
    const sides: [Entries, Entries] = [tree({}), tree({ f: e("100755", "1") })];
    expect(droppedVersions(sides, [base1, base2], tree({}))).toEqual([]);
    expect(droppedVersions([tree({}), tree({ f: e("100644", "1") })], [base1], tree({}))).toEqual([]);
  });
});
