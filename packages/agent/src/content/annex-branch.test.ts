import { siblingRefs, unionMergeArgs } from "./annex-branch.js";

const sha = (c: string) => c.repeat(40);

describe("the git-annex branch's siblings", () => {
  it("are every ref named git-annex but our own branch", () => {
    const refs = new Map([
      ["refs/heads/git-annex", sha("1")], ["refs/heads/main", sha("2")], ["refs/heads/synced/git-annex", sha("3")],
      ["refs/remotes/cloud/git-annex", sha("4")], ["refs/remotes/b/main", sha("5")],
    ]);
    expect(siblingRefs(refs)).toBe(`refs/heads/synced/git-annex ${sha("3")}\nrefs/remotes/cloud/git-annex ${sha("4")}`);
  });

  it("are merged by git annex merge, unless a synced/<branch> of git annex sync would be merged into the work tree too", () => {
    expect(unionMergeArgs(new Map([["refs/heads/synced/git-annex", sha("3")]]))).toEqual(["annex", "merge", "--quiet"]);
    expect(unionMergeArgs(new Map([["refs/heads/synced/git-annex", sha("3")], ["refs/heads/synced/main", sha("6")]]))).toEqual(["annex", "info", "--fast", "here"]);
  });
});
