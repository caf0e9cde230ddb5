// Content received, counted from outside both systems (Herald and git-annex's assistant alike)
// by watching each repository's annex directory (.git/annex, or annex/ in a bare repository;
// inotify through fs.watch). git-annex writes incoming content to the receiver's `tmp/KEY` and
// renames it into `objects/…/KEY/KEY` when it is complete and checked, so an arrival is a rename
// event for that file after which it exists; the same key arriving twice (dropped and sent
// again) counts twice. Not tmp/KEY itself: one get from a local remote was seen to create and
// remove it twice (a `cp --reflink` try first, probably). While a transfer runs, git-annex also
// keeps a record in the annex directory of the repository at the other end of a local remote
// (`transfer/<direction>/<uuid>/KEY`, created and removed; seen with 10.20230126 for both a copy
// into that repository and a get from it): their creations count every transfer that touched a
// repository, uploads and downloads.
import { existsSync, mkdirSync, watch } from "node:fs";
import { join } from "node:path";
import { now } from "./lib.mjs";

/** Bytes of a git-annex key with a size field (SHA256E-s20971520--…): 0 when it has none. */
export const keySize = (key) => Number(/-s(\d+)-/.exec(key)?.[1] ?? 0);

/**
 * Watch `repos` ({ name: { dir, bare } }) for `key`. `counts()`: per name, `received` (content
 * that arrived) and `transfers` (transfer records there: every transfer touching it).
 * `arrivedAt`: per name, when (lib.mjs now()) the content first arrived there.
 */
export function watchReceived(repos, key) {
  const events = {};
  const watchers = [];
  const failures = [];
  const arrivedAt = {};
  for (const [name, { dir, bare }] of Object.entries(repos)) {
    const annex = bare ? join(dir, "annex") : join(dir, ".git", "annex");
    for (const sub of ["objects", "transfer/download", "transfer/upload"]) mkdirSync(join(annex, sub), { recursive: true });
    const seen = (events[name] = new Map());
    // Two subtrees, not the whole annex directory: Node's recursive watcher (which adds a watch
    // per new directory) fails on git-annex's short-lived othertmp/ directories.
    for (const sub of ["objects", "transfer"]) {
      const w = watch(join(annex, sub), { recursive: true }, (type, file) => {
        const path = `${sub}/${file}`;
        if (type === "rename" && file && path.endsWith(`/${key}`) && existsSync(join(annex, path))) {
          seen.set(path, (seen.get(path) ?? 0) + 1);
          if (path.startsWith("objects/") && path.endsWith(`/${key}/${key}`)) arrivedAt[name] ??= now();
        }
      });
      w.on("error", (e) => failures.push(`${name} ${sub}: ${e.message}`));
      watchers.push(w);
    }
  }
  const created = (seen, match) => [...seen].filter(([p]) => match(p)).reduce((s, [, n]) => s + n, 0);
  return {
    counts: () => Object.fromEntries(Object.entries(events).map(([name, seen]) => [name, {
      received: created(seen, (p) => p.startsWith("objects/") && p.endsWith(`/${key}/${key}`)),
      transfers: created(seen, (p) => p.startsWith("transfer/")),
    }])),
    failures,
    arrivedAt,
    close: () => { for (const w of watchers) w.close(); },
  };
}
