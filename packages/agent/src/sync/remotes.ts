// What each configured remote is: a peer clone with its branch checked out (push into
// refs/remotes/<this node>/<branch> there, never into its checked-out branch) or a bare repository
// (a server, a USB drive: push the branch itself). Only configured remotes are ever contacted.
import { defaultNodeId, type RemoteConfig } from "../config.js";
import { simpleGit } from "simple-git";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isNodeId } from "@herald/protocol";
import { askRemote, localAdvertised } from "./node-advert.js";
import { firstConnection } from "../git/ssh-control.js";

export interface ResolvedRemote extends RemoteConfig {
  kind: "peer" | "bare" | "unknown";
  /** Local filesystem path, when the remote is one. */
  path?: string;
  /** remote.<name>.herald-node as configured (an override of what the remote advertises). */
  setting?: string;
  /** Node ids the repository there advertises (node-advert.ts); absent: it did not answer. */
  advertised?: string[];
  /** Why a network remote did not answer the question (`Host key verification failed.`). */
  unreachable?: string;
  /** A non-bare clone that no Herald serves: it refused a push to its checked-out branch and
   * advertises no node. It gets what a peer gets (refs/remotes/<us>/<branch>), never its branch. */
  unserved?: true;
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

export interface ResolveOptions {
  /** How long a network remote may take to say what it advertises. */
  askMs?: number;
  /** The environment the question runs with (how ssh is run: git/ssh-env.ts). */
  env?: Record<string, string>;
  /** Network remotes that refused a push to their checked-out branch (RemoteSet remembers). */
  unserved?: ReadonlySet<string>;
  /** This clone's node: a repository advertising it is a mirror of this clone (git clone
   * --mirror copies every ref), not the clone itself, and is not taken for a peer. */
  self?: string;
}

/**
 * Settles the kind and node of a remote, from its configuration (a function of it: settings
 * changed, resolve again). The node: remote.<name>.herald-node when set; else what the repository
 * there advertises; else, for a clone on this machine, its herald.node (or the default id for its
 * path). A remote that is absent or does not answer stays "unknown" and is asked again when tried.
 */
export async function resolveRemote(r: RemoteConfig, cwd: string, o: ResolveOptions = {}): Promise<ResolvedRemote> {
  const base: ResolvedRemote = { name: r.name, url: r.url, kind: "unknown", ...(r.cost !== undefined ? { cost: r.cost } : {}), ...(r.removable !== undefined ? { removable: r.removable } : {}), ...(r.node ? { node: r.node, setting: r.node } : {}) };
  const raw = localPath(r.url);
  if (raw === null) return resolveNetwork(base, cwd, o);
  const path = raw.startsWith("/") ? raw : `${cwd}/${raw}`;
  if (!existsSync(path)) return { ...base, path, kind: r.node ? "peer" : "unknown" };
  try {
    const g = simpleGit({ baseDir: path });
    const bare = (await g.raw(["rev-parse", "--is-bare-repository"])).trim() === "true";
    // A bare repository is never a peer, whatever it holds (a mirror of a clone copies its refs).
    if (bare) return { ...base, path, kind: "bare" };
    const advertised = (await localAdvertised(path)) ?? undefined;
    let node = r.node ?? advertised?.[0];
    if (!node) {
      const top = (await g.raw(["rev-parse", "--show-toplevel"])).trim();
      const configured = (await g.raw(["config", "--get", "herald.node"]).catch(() => "")).trim();
      node = isNodeId(configured) ? configured : defaultNodeId(top);
    }
    return { ...base, path, kind: "peer", node, ...(advertised ? { advertised } : {}) };
  } catch {
    return { ...base, path, kind: "unknown" };
  }
}

/** A network remote: asked once what it advertises (git ls-remote). Nothing advertised and never
 * refused as a checked-out clone: a bare repository (a server), pushed the branch itself. */
async function resolveNetwork(base: ResolvedRemote, cwd: string, o: ResolveOptions): Promise<ResolvedRemote> {
  // The first command to its host at start: alone, so remotes on one host share one master.
  const answer = await firstConnection(base.url, () => askRemote(cwd, base.name, o.askMs, o.env));
  if ("error" in answer) return { ...base, ...(base.setting ? { kind: "peer" } : {}), unreachable: answer.error };
  const advertised = answer.advertised.filter((id) => id !== o.self);
  const node = base.setting ?? advertised[0];
  if (node) return { ...base, kind: "peer", node, advertised };
  if (o.unserved?.has(base.name)) return { ...base, kind: "peer", advertised, unserved: true };
  return { ...base, kind: "bare", advertised };
}
