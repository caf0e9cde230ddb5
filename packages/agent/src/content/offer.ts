// What a remote lacks of the content here, by the location log: asked when an agent starts (content
// committed while none ran) and when a drive appears. Where the remote has a preferred content
// expression, git-annex itself applies it (--want-get-by).
import type { GitRepo } from "../git/repo.js";
import { isAnnexKey, isSafePath } from "./keys.js";
import { hasWanted } from "./local-annex.js";

export async function lacking(repo: GitRepo, remote: string): Promise<Array<{ key: string; path: string }>> {
  const want = (await hasWanted(repo, remote)) ? [`--want-get-by=${remote}`] : [];
  const out = await repo.tryRun(["annex", "find", "--in=here", "--not", `--in=${remote}`, ...want, "--format=${key}\t${file}\n"]);
  return (out ?? "").split("\n").filter(Boolean).map((l) => l.split("\t"))
    .filter(([key, path]) => key && path && isAnnexKey(key) && isSafePath(path)).map(([key, path]) => ({ key: key!, path: path! }));
}
