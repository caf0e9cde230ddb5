import { checkRepoPath } from "./repo-path.js";

describe("checkRepoPath", () => {
  it.each(["a.txt", "dir/sub/a.txt", ".gitattributes", "-dash.txt", "a..b.txt", ".hidden/x"])("accepts %s", (p) => {
    expect(checkRepoPath(p)).toBe(p);
  });

  it.each([
    ["", "is empty"],
    ["/etc/passwd", "is absolute"],
    ["C:\\x.txt", "is absolute"],
    ["../x.txt", '".."'],
    ["a/../../x.txt", '".."'],
    ["a\\..\\x", '".."'],
    ["a//b", "normal form"],
    ["./a", "normal form"],
    [".git/config", "inside .git"],
    [".GIT/hooks/x", "inside .git"],
    ["sub/.git/hooks/post-merge", "inside .git"],
    ["a\0b", "NUL"],
  ])("rejects %j (%s)", (p, why) => {
    expect(() => checkRepoPath(p)).toThrow(why);
    try {
      checkRepoPath(p);
    } catch (e) {
      expect((e as { code: string }).code).toBe("USAGE");
    }
  });
});
