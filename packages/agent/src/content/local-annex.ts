// What this clone's annex holds and wants, read without starting git-annex where git itself or
// a stat can answer: both are asked on every ref move while content lands, and before every
// transfer, and a git-annex start costs far more than either.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { GitRepo } from "../git/repo.js";
import { objectPath } from "./keys.js";

/** Where git-annex keeps preferred content expressions: a repository's own, and its groups'. */
const WANTED_LOGS = ["preferred-content.log", "groupwanted.log"];

const exists = (path: string) => stat(path).then(() => true, () => false);

/** Whether a repository has a preferred content expression (`git annex wanted`), its own or its
 * group's. Most networks set none anywhere: then no git-annex branch here (ours, or a remote's
 * not merged yet) nor the journal holds the logs that say one, and one `git cat-file` answers
 * where `git annex wanted` would cost a git-annex start before every transfer. */
export async function hasWanted(repo: GitRepo, name: string): Promise<boolean> {
  const branches = [...(await repo.refs("refs/")).keys()].filter((n) => n.endsWith("/git-annex"));
  const logs = branches.flatMap((b) => WANTED_LOGS.map((l) => `${b}:${l}`));
  const found = logs.length ? await repo.run(["cat-file", "--batch-check=%(objectname)"], undefined, logs.join("\n") + "\n").catch(() => null) : "";
  const journal = await Promise.all(WANTED_LOGS.map((l) => exists(join(repo.gitDir, "annex", "journal", l))));
  if (found !== null && !/^[0-9a-f]{40}/m.test(found) && !journal.includes(true)) return false;
  return ((await repo.tryRun(["annex", "wanted", name])) ?? "").trim() !== "";
}

/** Content is here once its object file is (git-annex renames it in when complete and checked).
 * `tuned` (annex.tune.* set): the object may sit elsewhere, so git-annex is asked after all. */
export async function hasContent(repo: GitRepo, key: string, tuned: boolean): Promise<boolean> {
  if (await exists(join(repo.gitDir, "annex", "objects", objectPath(key)))) return true;
  return tuned ? repo.exec(["annex", "contentlocation", key]).then((r) => r.code === 0) : false;
}
