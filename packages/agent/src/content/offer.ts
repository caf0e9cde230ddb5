// What a remote lacks of the content here, by the location log: asked when an agent starts (content
// committed while none ran) and when a drive appears. Where the remote has a preferred content
// expression, git-annex itself applies it (--want-get-by). Until git-annex has met the remote
// (remote.<name>.annex-uuid unset), `--in=<remote>` makes it ask the remote for its uuid over
// the network (git-annex-shell configlist): then the question runs under the network watchdog
// (git/network-policy.ts), as a fetch does. A start-up offer over a link that had just died
// hung past herald.networkTimeout (network-timeout.test.ts, in a loaded suite run).
import type { GitRepo } from "../git/repo.js";
import { isAnnexKey, isSafePath } from "./keys.js";
import { hasWanted } from "./local-annex.js";

export async function lacking(repo: GitRepo, remote: string, url?: string): Promise<Array<{ key: string; path: string }>> {
  const want = (await hasWanted(repo, remote)) ? [`--want-get-by=${remote}`] : [];
  const args = ["annex", "find", "--in=here", "--not", `--in=${remote}`, ...want, "--format=${key}\t${file}\n"];
  const met = (await repo.config(`remote.${remote}.annex-uuid`)) !== null;
  const r = met ? await repo.exec(args) : await repo.execRemote(remote, url, args).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
  const out = r.code === 0 ? r.stdout : "";
  return out.split("\n").filter(Boolean).map((l) => l.split("\t"))
    .filter(([key, path]) => key && path && isAnnexKey(key) && isSafePath(path)).map(([key, path]) => ({ key: key!, path: path! }));
}
