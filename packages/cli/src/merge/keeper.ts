// Which side of a merge-driver conflict keeps the file's name: the agent's rule (keeperOf, the
// newer commit, the id that sorts first on a tie) when the driver knows both commits, which it
// does inside `git merge`: git names each merged head in the environment as GITHEAD_<id>
// (builtin/merge.c, for the labels of merge-recursive). A rebase or cherry-pick names none; there
// the version git merges into (%A, "ours"; in a rebase the branch rebased onto) keeps the name.
import { keeperOf } from "@herald/agent";
import { gitOk } from "../run-git.js";

/** The one merged head git named in `env`, or null (none, several: an octopus, or a rebase). */
export function mergedHead(env: NodeJS.ProcessEnv): string | null {
  const heads = Object.keys(env).map((k) => /^GITHEAD_([0-9a-f]{40}|[0-9a-f]{64})$/.exec(k)?.[1]).filter((h): h is string => !!h);
  return heads.length === 1 ? heads[0]! : null;
}

/** "ours" or "theirs": whose version stays at the path. */
export async function keepingSide(top: string, env: NodeJS.ProcessEnv): Promise<"ours" | "theirs"> {
  const theirs = mergedHead(env);
  if (!theirs) return "ours";
  const out = (await gitOk(["show", "-s", "--format=%H %ct", "HEAD", theirs, "--"], { cwd: top })).toString("utf8");
  const commits = out.trim().split("\n").map((l) => {
    const [sha, ct] = l.split(" ");
    return { sha: sha!, committerTime: Number(ct) };
  });
  if (commits.length !== 2) return "ours";
  return keeperOf(commits) === 0 ? "ours" : "theirs";
}
