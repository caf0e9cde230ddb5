import { autocommitMessage } from "./committer.js";

describe("autocommitMessage", () => {
  it("names each added, changed, removed and moved file", () => {
    const z = ["A", "new.txt", "M", "notes.md", "D", "old.bin", "R100", "a.txt", "b/a.txt", ""].join("\0");
    expect(autocommitMessage(z, "laptop-1a2b3c")).toBe(
      "herald: autocommit on laptop-1a2b3c: 4 files\n\nadded new.txt\nchanged notes.md\nremoved old.bin\nmoved a.txt -> b/a.txt\n");
  });
  it("puts a single change in the subject", () => {
    expect(autocommitMessage("M\0x.txt\0", "n").split("\n")[0]).toBe("herald: autocommit on n: changed x.txt");
  });
});
