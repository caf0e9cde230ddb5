// Integration (real git): isRefName must agree with `git check-ref-format` on every name, except
// where Herald is deliberately stricter (leading '-', over 255 bytes, not XML text).
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { isXmlChars, utf8ByteLength } from "../src/text.js";
import { isRefName } from "../src/validate.js";

function gitAccepts(ref: string): boolean {
  const r = spawnSync("git", ["check-ref-format", ref], { stdio: "ignore" });
  if (r.error) throw r.error;
  return r.status === 0;
}

const heraldOnly = (ref: string) => ref.startsWith("-") || utf8ByteLength(ref) > 255 || !isXmlChars(ref);

const tricky = [
  "refs/heads/main", "a/b", "main", "@", "a/@", "refs/heads/@", "refs/heads/a@{1}", "refs/heads/a@b", "refs/heads/@{",
  "refs/heads/.x", "refs/heads/x.", "refs/heads/x.lock", "refs/heads/x.lock.y", "refs/heads/.lock", "refs/heads/a.lock/b",
  "refs/heads/a..b", "refs/heads/a/./b", "refs//heads", "/refs/heads", "refs/heads/", "refs/heads/a b", "refs/heads/a\tb",
  "refs/heads/a~", "refs/heads/a^", "refs/heads/a:", "refs/heads/a?", "refs/heads/a*", "refs/heads/a[", "refs/heads/a]",
  "refs/heads/a\\b", "refs/heads/a\u007f", "refs/heads/é", "refs/heads/😀", "refs/heads/{}", "refs/heads/a&<>\"'",
];

describe("isRefName against git check-ref-format", () => {
  it.each(tricky)("agrees on %j", (ref) => {
    expect(isRefName(ref)).toBe(gitAccepts(ref) && !heraldOnly(ref));
  });
  it("agrees on random names over git's special characters", () => {
    const name = fc.string({ unit: fc.constantFrom(..."ab/.@{}~^:?*[\\ -\u007f\té"), minLength: 1, maxLength: 14 });
    fc.assert(
      fc.property(name.filter((r) => !r.startsWith("-")), (ref) => {
        expect(isRefName(ref)).toBe(gitAccepts(ref) && !heraldOnly(ref));
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
