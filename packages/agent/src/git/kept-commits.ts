// A user commit that a move of the branch stepped over, kept in a ref until a merge brings it back.
//
// `git reset` has no expected old value (git-reset(1)): a commit the user makes between Herald's
// last look at HEAD and the reset leaves the branch. Moving the branch back would be one more move
// without an expected value, open to the same race: the chaos run lost a commit that way (the user
// committed again on top of the reset, and the move back dropped that one). So nothing moves back:
// the stepped-over commit is kept under refs/herald/kept/ and merged like any incoming head; the
// ref goes once HEAD holds it. The branch only ever moves forward from what it holds.
import { assertSha, type GitRepo } from "./repo.js";

export const KEPT_PREFIX = "refs/herald/kept/";

/** The reflog's words for a move of the branch to `to` (git reset's own, which advanceHead writes too). */
export const movedTo = (to: string): string => `reset: moving to ${to}`;

/**
 * After a move of `branch` to `to`: what that move replaced, when it is not in `to` (a user's
 * commit made in the window). It is kept under KEPT_PREFIX; returns its sha, or null. The branch's
 * reflog says what the move replaced (git-reflog(1)): the entry before the newest reset to `to`,
 * so commits the user made on top of `to` since then do not hide it. (The fast-forward path moves
 * with `git merge --ff-only`, which checks HEAD itself.)
 */
export async function keepWhatTheMoveDropped(repo: GitRepo, branch: string, from: string, to: string): Promise<string | null> {
  const log = ((await repo.tryRun(["reflog", "show", "--format=%H %gs", "-n", "64", branch, "--"])) ?? "").split("\n");
  const at = log.indexOf(`${to} ${movedTo(to)}`);
  const replaced = at >= 0 ? log[at + 1]?.split(" ")[0] : undefined;
  if (!replaced || replaced === from || replaced === to || (await repo.isAncestor(replaced, to))) return null;
  assertSha(replaced);
  await repo.run(["update-ref", "-m", "herald: keep a commit the branch stepped over", KEPT_PREFIX + replaced, replaced]);
  return replaced;
}

/** The kept commits, as [ref, sha]: heads every merge takes in, beside the peers'. */
export async function keptCommits(repo: GitRepo): Promise<Array<[string, string]>> {
  return [...(await repo.refs(KEPT_PREFIX))];
}

/** HEAD now holds these kept commits: their refs go (each delete expects the sha it held). */
export async function releaseKept(repo: GitRepo, kept: Array<[string, string]>): Promise<void> {
  if (!kept.length) return;
  await repo.exec(["update-ref", "--stdin"], undefined, kept.map(([ref, sha]) => `delete ${ref} ${sha}\n`).join(""));
}
