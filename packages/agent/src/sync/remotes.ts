// What each configured remote is: a peer clone with its branch checked out (push into
// refs/remotes/<this node>/<branch> there, never into its checked-out branch) or a bare repository
// (a server, a USB drive: push the branch itself). Only configured remotes are ever contacted.
import { defaultNodeId, type RemoteConfig } from "../config.js";
import { simpleGit } from "simple-git";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isNodeId } from "@herald/protocol";

export interface ResolvedRemote extends RemoteConfig {
  kind: "peer" | "bare" | "unknown";
  /** Local filesystem path, when the remote is one. */
  path?: string;
}

/** Pure: the ref to write on the remote. */
export function pushTarget(kind: "peer" | "bare", thisNode: string, branch: string): string {
  const short = branch.replace(/^refs\/heads\//, "");
  return kind === "peer" ? `refs/remotes/${thisNode}/${short}` : `refs/heads/${short}`;
}

/** Pure: a local path for file:// URLs and plain paths; null for network URLs. */
export function localPath(url: string): string | null {
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return null;
  if (/^[^/]+:/.test(url) && !url.startsWith("./") && !url.startsWith("../")) return null; // scp-style host:path
  return url;
}

// Between repositories on one machine (clones side by side, a USB drive) git's delta search
// spends CPU to save bytes that cost nothing to copy: a commit of 20 new 1.5 MB files took 3.1 s
// of CPU to push with it and 0.9 s without, for the same pack size (npm run chaos spent its
// convergence time in concurrent pack-objects). pack.window=0 makes no new deltas and still reuses
// the ones already in packs. A push's pack-objects runs here and takes `-c`; a fetch's runs in the
// remote's upload-pack, which git starts without our `-c` (local_repo_env clears
// GIT_CONFIG_PARAMETERS), hence --upload-pack. Network remotes keep git's defaults.
const NO_DELTA_SEARCH = "pack.window=0";

/** Pure: git's own options to put before `push` for this remote. */
export function pushOptions(r: Pick<ResolvedRemote, "path">): string[] {
  return r.path === undefined ? [] : ["-c", NO_DELTA_SEARCH];
}

/** Pure: options for `git fetch` from this remote. */
export function fetchOptions(r: Pick<ResolvedRemote, "path">): string[] {
  return r.path === undefined ? [] : [`--upload-pack=git -c ${NO_DELTA_SEARCH} upload-pack`];
}

/** Settles the kind of a remote; an absent local path stays "unknown" and is asked again later. */
export async function resolveRemote(r: RemoteConfig, cwd: string): Promise<ResolvedRemote> {
  const raw = localPath(r.url);
  if (raw === null) return { ...r, kind: r.node ? "peer" : "bare" };
  const path = raw.startsWith("/") ? raw : `${cwd}/${raw}`;
  if (!existsSync(path)) return { ...r, path, kind: r.node ? "peer" : "unknown" };
  try {
    const g = simpleGit({ baseDir: path });
    const bare = (await g.raw(["rev-parse", "--is-bare-repository"])).trim() === "true";
    let node = r.node;
    if (!bare && !node) {
      const top = (await g.raw(["rev-parse", "--show-toplevel"])).trim();
      const configured = (await g.raw(["config", "--get", "herald.node"]).catch(() => "")).trim();
      node = isNodeId(configured) ? configured : defaultNodeId(top);
    }
    return { ...r, path, kind: bare ? "bare" : "peer", ...(node ? { node } : {}) };
  } catch {
    return { ...r, path, kind: "unknown" };
  }
}
