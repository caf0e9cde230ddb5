// The annexed keys a change brings, read from git: the diff between two commits (one
// `diff-tree`), the sizes of the regular files it adds (one `cat-file --batch-check`: a large
// file's blob is never read), and the small blobs that may be pointers. Paths are checked before
// they go anywhere (keys.ts): they come from peers' commits.
import type { GitRepo } from "../git/repo.js";
import { changedLinks, isSafePath, keyFromLink, MAX_POINTER_BYTES } from "./keys.js";

export interface ChangedKey { key: string; path: string }

/** The keys `to` names that `from` did not (`from` null: every key in `to`). `sinceFork`: only
 * what `to` brought since it forked from `from` (git diff A...B; nothing when `to` is merged). */
export async function keysOfChange(repo: GitRepo, from: string | null, to: string, sinceFork = false): Promise<ChangedKey[]> {
  const diff = !from ? ["diff-tree", "-r", "-z", "--root", "--no-renames", to]
    : sinceFork ? ["diff", "--raw", "-z", "--no-renames", "--no-abbrev", `${from}...${to}`]
    : ["diff-tree", "-r", "-z", "--no-renames", from, to];
  const links = changedLinks((await repo.tryRun(diff)) ?? "").filter((l) => isSafePath(l.path));
  const sizes = await blobSizes(repo, links.filter((l) => l.pointer).map((l) => l.blob));
  const out: ChangedKey[] = [];
  for (const link of links) {
    if (link.pointer && !((sizes.get(link.blob) ?? Infinity) <= MAX_POINTER_BYTES)) continue;
    const key = keyFromLink((await repo.blob(link.blob))?.toString("utf8") ?? "");
    if (key) out.push({ key, path: link.path });
  }
  return out;
}

async function blobSizes(repo: GitRepo, blobs: string[]): Promise<Map<string, number>> {
  if (!blobs.length) return new Map();
  const out = await repo.run(["cat-file", "--batch-check=%(objectname) %(objectsize)"], undefined, blobs.join("\n") + "\n");
  return new Map(out.split("\n").filter(Boolean).map((l) => l.split(" ")).map(([o, s]) => [o!, Number(s)]));
}
