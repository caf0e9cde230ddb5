import { mergeCommitSpec } from "./merge-commit.js";

const a = { sha: "a".repeat(40), committerTime: 1_700_000_000 };
const b = { sha: "b".repeat(40), committerTime: 1_700_000_500 };

describe("mergeCommitSpec", () => {
  it("does not depend on which side merges which", () => {
    expect(mergeCommitSpec(a, b)).toEqual(mergeCommitSpec(b, a));
  });
  it("orders parents canonically and dates the merge from its newest parent", () => {
    const spec = mergeCommitSpec(b, a);
    expect(spec.parents).toEqual([a.sha, b.sha]);
    expect(spec.env.GIT_AUTHOR_DATE).toBe("1700000500 +0000");
    expect(spec.env.GIT_COMMITTER_DATE).toBe("1700000500 +0000");
    expect(spec.env.GIT_COMMITTER_NAME).toBe("Herald");
  });
});
