// Recent changes for the dashboard: the last commits on HEAD, who made them, when, which files.
import type { GitRepo } from "../git/repo.js";

export interface Change { sha: string; author: string; email: string; time: string; subject: string; files: string[] }

const RS = "\x1e", US = "\x1f";

/** Pure: `git log --format=RS%H US%an US%ae US%cI US%s --name-only` output. */
export function parseChanges(out: string): Change[] {
  return out.split(RS).filter((c) => c.trim() !== "").map((chunk) => {
    const [head = "", ...files] = chunk.split("\n");
    const [sha = "", author = "", email = "", time = "", subject = ""] = head.split(US);
    return { sha, author, email, time, subject, files: files.filter(Boolean) };
  });
}

export async function recentChanges(repo: GitRepo, n = 20): Promise<Change[]> {
  if (!(await repo.head())) return [];
  // -m --first-parent: a merge lists what it brought in, the way a user sees it arrive.
  const out = await repo.run(["log", `-n${n}`, "-m", "--first-parent", `--format=${RS}%H${US}%an${US}%ae${US}%cI${US}%s`, "--name-only", "HEAD", "--"]);
  return parseChanges(out);
}
