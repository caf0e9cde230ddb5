import { parseHeadFile, parsePackedRefs } from "./ref-files.js";
import { parseCommit } from "./cat-file.js";

const A = "a".repeat(40), B = "b".repeat(40);

describe("parseHeadFile", () => {
  it("reads a symbolic HEAD and a detached one", () => {
    expect(parseHeadFile("ref: refs/heads/main\n")).toEqual({ ref: "refs/heads/main" });
    expect(parseHeadFile(`${A}\n`)).toEqual({ sha: A });
  });
  it("refuses what it cannot vouch for", () => {
    for (const t of ["", "ref: HEAD\n", "ref: heads/main\n", "abc\n", `${A}x\n`, "ref: refs/heads/a\nref: refs/heads/b\n"]) expect(parseHeadFile(t)).toBeNull();
  });
});

describe("parsePackedRefs", () => {
  it("keeps refs, skips the header and peeled lines", () => {
    const text = `# pack-refs with: peeled fully-peeled sorted \n${A} refs/heads/main\n${B} refs/tags/v1\n^${A}\n${B} refs/remotes/c2/main\n`;
    expect([...parsePackedRefs(text)]).toEqual([["refs/heads/main", A], ["refs/tags/v1", B], ["refs/remotes/c2/main", B]]);
  });
  it("ignores lines that do not start with an object id", () => {
    expect(parsePackedRefs(`garbage refs/heads/x\n${A}\n`).size).toBe(0);
  });
});

describe("parseCommit", () => {
  it("reads parents, author email and committer time, not the message", () => {
    const body = Buffer.from(`tree ${B}\nparent ${A}\nparent ${B}\nauthor Ann <ann@x> 1700000000 +0100\ncommitter Bo <bo@y> 1700000123 -0500\ngpgsig -----BEGIN\n parent ${A}\n\nparent in the message\n`);
    expect(parseCommit(body)).toEqual({ parents: [A, B], authorEmail: "ann@x", committerTime: 1700000123, message: "parent in the message\n" });
  });
  it("reads a root commit", () => {
    expect(parseCommit(Buffer.from(`tree ${B}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 2 +0000\n\nroot\n`))).toEqual({ parents: [], authorEmail: "a@x", committerTime: 2, message: "root\n" });
  });
});
