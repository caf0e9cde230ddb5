import { deletedEntries, deletedSideVersions, droppedVersions } from "./dropped-sides.js";

const oid = (c: string) => c.repeat(40);
const Z = "0".repeat(40);

describe("deletedEntries", () => {
  it("reads the old side of each deletion from diff-tree -z, paths as they are", () => {
    const out = [
      `:100755 000000 ${oid("a")} ${Z} D`, "my dir/read me",
      `:100644 100644 ${oid("b")} ${oid("c")} M`, "kept",
      `:000000 100644 ${Z} ${oid("d")} A`, "new\nline",
      "",
    ].join("\0");
    expect([...deletedEntries(out)]).toEqual([["my dir/read me", `100755 ${oid("a")}`]]);
  });
});

describe("deletedSideVersions and droppedVersions", () => {
  const deleted: [Map<string, string>, Map<string, string>] = [new Map(), new Map([["f", `100644 ${oid("1")}`], ["moved", `100644 ${oid("2")}`]])];
  // "moved" reappears at another path: a rename carried it.
  const added: [Map<string, string>, Map<string, string>] = [new Map(), new Map([["elsewhere", `100644 ${oid("2")}`]])];
  const candidates = deletedSideVersions(deleted, added);

  it("keeps a deleted side version that is nowhere else in the merge", () => {
    expect(candidates).toEqual([{ side: 1, path: "f", entry: `100644 ${oid("1")}` }]);
  });

  it("counts it dropped only when no merge base had that version at that path, and only in a criss-cross", () => {
    const mode755 = new Map([["f", `100755 ${oid("1")}`]]);
    expect(droppedVersions(candidates, [mode755, new Map()])).toEqual(candidates);
    // The side's version is a base's: the side did not change it, the delete is the other side's work.
    expect(droppedVersions(candidates, [new Map([["f", `100644 ${oid("1")}`]]), new Map()])).toEqual([]);
    // One merge base: merge-ort reports a modify/delete itself.
    expect(droppedVersions(candidates, [mode755])).toEqual([]);
  });
});
