import { parseChanges } from "./changes.js";

it("parses commits with their files, a commit without files too", () => {
  const out = "\x1eaaa\x1fAnn\x1fann@x\x1f2026-01-01T00:00:00Z\x1fedit notes\n\nnotes.txt\nsub/b.txt\n\x1ebbb\x1fBo\x1fbo@x\x1f2026-01-02T00:00:00Z\x1fempty\n";
  expect(parseChanges(out)).toEqual([
    { sha: "aaa", author: "Ann", email: "ann@x", time: "2026-01-01T00:00:00Z", subject: "edit notes", files: ["notes.txt", "sub/b.txt"] },
    { sha: "bbb", author: "Bo", email: "bo@x", time: "2026-01-02T00:00:00Z", subject: "empty", files: [] },
  ]);
});
