import { InvalidFieldError } from "./errors.js";
import {
  assertBranchRef,
  assertNodeId,
  assertSeq,
  assertSha,
  branchRefProblem,
  idProblem,
  isBranchRef,
  isNodeId,
  isRefName,
  isRepoId,
  isSeq,
  isSha,
  refNameProblem,
} from "./validate.js";

const SHA1 = "0123456789abcdef0123456789abcdef01234567";
const SHA256 = "0123456789abcdef".repeat(4);

describe("isSha", () => {
  it("accepts full SHA-1 and SHA-256 names", () => {
    expect(isSha(SHA1)).toBe(true);
    expect(isSha(SHA256)).toBe(true);
  });
  it.each([
    ["abbreviated", SHA1.slice(0, 39)],
    ["41 digits", SHA1 + "0"],
    ["between the two lengths", SHA1 + "0".repeat(10)],
    ["uppercase", SHA1.toUpperCase()],
    ["non-hex", "g" + SHA1.slice(1)],
    ["trailing newline", SHA1 + "\n"],
    ["empty", ""],
  ])("rejects %s", (_, v) => {
    expect(isSha(v)).toBe(false);
  });
  it("rejects non-strings", () => {
    expect(isSha(undefined)).toBe(false);
    expect(isSha(0x1234)).toBe(false);
  });
});

describe("isRefName (git check-ref-format + Herald rules)", () => {
  it.each(["refs/heads/main", "refs/heads/feature/x-1", "refs/tags/v1.0", "refs/heads/ünï😀", "refs/heads/a@b", "a/b", "refs/heads/a.b.c"])(
    "accepts %j",
    (r) => {
      expect(refNameProblem(r)).toBeNull();
    },
  );
  it.each([
    ["refs/heads/.hidden", "rule 1"],
    ["refs/.x/main", "rule 1"],
    ["refs/heads/a.lock", "rule 1"],
    ["refs/heads/a.lock/b", "rule 1"],
    ["main", "rule 2"],
    ["refs/heads/a..b", "rule 3"],
    ["refs/heads/a\u0001", "rule 4"],
    ["refs/heads/a\u007f", "rule 4"],
    ["refs/heads/a\tb", "rule 4"],
    ["refs/heads/a b", "rule 4"],
    ["refs/heads/a~1", "rule 4"],
    ["refs/heads/a^", "rule 4"],
    ["refs/heads/a:b", "rule 4"],
    ["refs/heads/a?", "rule 5"],
    ["refs/heads/a*", "rule 5"],
    ["refs/heads/a[", "rule 5"],
    ["/refs/heads/a", "rule 6"],
    ["refs/heads/a/", "rule 6"],
    ["refs//heads/a", "rule 6"],
    ["refs/heads/a.", "rule 7"],
    ["refs/heads/a@{1}", "rule 8"],
    ["@", "rule 9"],
    ["refs/heads/a\\b", "rule 10"],
    ["-x/y", "'-'"],
    ["--upload-pack=x", "'-'"],
    ["refs/heads/\ud800", "XML"],
    ["refs/heads/\uffff", "XML"],
    ["", "empty"],
  ])("rejects %j (%s)", (r, why) => {
    expect(isRefName(r)).toBe(false);
    expect(refNameProblem(r)).toContain(why);
  });
  it("bounds length in UTF-8 bytes, not characters", () => {
    const ascii = "refs/heads/" + "a".repeat(255 - 11);
    expect(isRefName(ascii)).toBe(true);
    expect(refNameProblem(ascii + "a")).toContain("255 bytes");
    const twoByte = "refs/heads/" + "é".repeat(123); // 11 + 246 = 257 bytes in 134 chars
    expect(refNameProblem(twoByte)).toContain("255 bytes");
  });
  it("rejects non-strings without throwing", () => {
    expect(refNameProblem(42)).toBe("must be a string");
    expect(isRefName(null)).toBe(false);
  });
});

describe("isBranchRef", () => {
  it("accepts refs/heads/<name>", () => {
    expect(isBranchRef("refs/heads/main")).toBe(true);
    expect(isBranchRef("refs/heads/team/feature")).toBe(true);
  });
  it.each([
    ["refs/tags/v1", "branch ref"],
    ["refs/remotes/a/main", "branch ref"],
    ["refs/heads", "branch ref"],
    ["refs/heads/", "rule 6"],
    ["refs/heads/-x", "'-'"],
    ["refs/heads/--upload-pack=x", "'-'"],
    ["refs/heads/HEAD", "HEAD"],
    ["refs/heads/a..b", "rule 3"],
  ])("rejects %j", (r, why) => {
    expect(isBranchRef(r)).toBe(false);
    expect(branchRefProblem(r)).toContain(why);
  });
});

describe("isNodeId / isRepoId", () => {
  it.each(["a", "laptop", "host-1.example_2", "A".repeat(64), SHA1, "x.locked", "9"])("accepts %j", (id) => {
    expect(isNodeId(id)).toBe(true);
    expect(isRepoId(id)).toBe(true);
  });
  it.each([
    ["", "1 to 64"],
    ["a".repeat(65), "1 to 64"],
    ["-n", "start with"],
    [".x", "start with"],
    ["_x", "start with"],
    ["../x", "start with"],
    ["a/b", "letters"],
    ["a b", "letters"],
    ["a\u0000", "letters"],
    ["né", "letters"],
    ["a..b", "'..'"],
    ["a.", "end with '.'"],
    ["a.lock", ".lock"],
    ["a.LOCK", ".lock"],
  ])("rejects %j (%s)", (id, why) => {
    expect(isNodeId(id)).toBe(false);
    expect(isRepoId(id)).toBe(false);
    expect(idProblem(id)).toContain(why);
  });
});

describe("isSeq", () => {
  it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])("accepts %p", (n) => {
    expect(isSeq(n)).toBe(true);
  });
  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, "1", null])("rejects %p", (n) => {
    expect(isSeq(n)).toBe(false);
  });
});

describe("asserters", () => {
  it("throw InvalidFieldError naming the caller's field and the broken rule", () => {
    expect(() => assertBranchRef("refs/heads/a.lock", "push.ref")).toThrow(
      expect.objectContaining({ code: "INVALID_FIELD", field: "push.ref", message: expect.stringContaining("'.lock' (rule 1)") }),
    );
    expect(() => assertSha("ABC", "announce.sha")).toThrow("invalid announce.sha: must be 40 or 64 lowercase hex digits");
    expect(() => assertNodeId("a/b", "remote.node")).toThrow(InvalidFieldError);
    expect(() => assertSeq(-1, "announce.seq")).toThrow(expect.objectContaining({ field: "announce.seq" }));
  });
  it("return quietly for valid values", () => {
    expect(() => assertBranchRef("refs/heads/main", "ref")).not.toThrow();
    expect(() => assertSha(SHA256, "sha")).not.toThrow();
  });
});
