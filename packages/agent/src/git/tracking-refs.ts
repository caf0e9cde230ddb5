// Deleting our records of peers' branches (refs/remotes/<peer>/<branch>), and nothing else: never a
// branch of this clone, never a commit. Each delete is a compare-and-swap (`git update-ref -d <ref>
// <oldvalue>`): a push that landed meanwhile is kept. The rule on what may be deleted lives here,
// beside the only git calls that delete (peer-records.ts says when).
import { isRefName } from "@herald/protocol";
import { GitCommandError, HeraldError } from "../errors.js";
import { assertSha, type GitRepo } from "./repo.js";
import { runGit } from "./run-git.js";

function assertTrackingRef(ref: string, sha: string): void {
  if (!ref.startsWith("refs/remotes/") || !isRefName(ref)) throw new HeraldError("BAD_REF", `not a remote-tracking ref: ${JSON.stringify(ref.slice(0, 200))}`);
  assertSha(sha);
}

/**
 * Deletes `ref` if it still holds `sha`: "moved" when it no longer does (or is gone). Any other
 * failure (a lock left by a killed git, say) throws with git's words: taken for "moved", it kept
 * a record from ever being emptied, silently (npm run chaos, mesh10).
 */
export async function dropTrackingRef(repo: GitRepo, ref: string, sha: string): Promise<"dropped" | "moved"> {
  assertTrackingRef(ref, sha);
  const args = ["update-ref", "-d", ref, sha];
  // Past GitRepo's guard, which bars `-d` from every other command: this is the one delete, checked above.
  const r = await runGit(repo.dir, args);
  if (r.code === 0) return "dropped";
  if (/but expected|unable to resolve reference/.test(r.stderr)) return "moved";
  throw new GitCommandError(args, r.code, r.stderr);
}

/** Every delete in one git process (`update-ref --stdin`, one transaction): all or none. False
 * when any failed (one that a push moved meanwhile fails the lot); the caller goes one by one. */
export async function dropTrackingRefs(repo: GitRepo, held: ReadonlyArray<readonly [string, string]>): Promise<boolean> {
  for (const [ref, sha] of held) assertTrackingRef(ref, sha);
  const input = held.map(([ref, sha]) => `delete ${ref} ${sha}`).join("\n") + "\n";
  return (await repo.exec(["update-ref", "--stdin"], undefined, input)).code === 0;
}
