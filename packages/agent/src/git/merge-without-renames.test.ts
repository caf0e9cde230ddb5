import { asideFromDirectories } from "./merge-without-renames.js";
import type { StageEntry } from "./keep-both.js";

const P1 = "1".repeat(40), P2 = "2".repeat(40);
const e = (path: string, stage: 1 | 2 | 3, oid = "a".repeat(40)): StageEntry => ({ mode: "100644", oid, stage, path });

describe("asideFromDirectories", () => {
  test("a file one side made where the other changed a file under that name is moved aside, as merge-ort does", () => {
    // side 1 deleted a/f and added the file a; side 2 changed a/f (kept: modify/delete)
    const conflicted = [e("a", 2), e("a/f", 1), e("a/f", 3)];
    expect(asideFromDirectories(conflicted, ["b"], [P1, P2])).toEqual([e(`a~${P1}`, 2), e("a/f", 1), e("a/f", 3)]);
  });

  test("a directory the merge keeps cleanly moves the file aside too; the base's version is dropped", () => {
    expect(asideFromDirectories([e("d", 1), e("d", 3)], ["d/new"], [P1, P2])).toEqual([e(`d~${P2}`, 3)]);
  });

  test("paths with no directory at their name are left as they are", () => {
    const conflicted = [e("a", 1), e("a", 2), e("a", 3), e("ab/c", 2)];
    expect(asideFromDirectories(conflicted, ["a.txt", "x/y"], [P1, P2])).toEqual(conflicted);
  });
});
