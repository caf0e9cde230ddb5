// Default transfer costs by remote kind, after git-annex's annex-cost (Config/Cost.hs): remotes
// are ranked by a number, cheaper first, and users override it per remote
// (`remote.<name>.herald-cost`, like `remote.<name>.annex-cost`). We reuse annex's scale so
// users who know it need no new intuition: local < removable < network < cloud.

export type RemoteKind = "local" | "removable" | "network" | "cloud";

export const CHEAP_REMOTE_COST = 100; // git-annex cheapRemoteCost
export const SEMI_EXPENSIVE_REMOTE_COST = 175; // git-annex semiExpensiveRemoteCost
export const EXPENSIVE_REMOTE_COST = 200; // git-annex expensiveRemoteCost
export const VERY_EXPENSIVE_REMOTE_COST = 1000; // git-annex veryExpensiveRemoteCost

const COSTS: Record<RemoteKind, number> = {
  local: CHEAP_REMOTE_COST, // another clone on this machine: a disk copy
  removable: SEMI_EXPENSIVE_REMOTE_COST, // local speed, but slower media and often absent
  network: EXPENSIVE_REMOTE_COST, // ssh or git:// to a machine we reach directly
  cloud: VERY_EXPENSIVE_REMOTE_COST, // a third-party host over http(s): metered, last resort
};

export function defaultCost(kind: RemoteKind): number {
  return COSTS[kind];
}

const REMOTE_HELPER = /^[A-Za-z][A-Za-z0-9+.-]*::(.*)$/s;

// Where desktops and udisks mount removable media (interfaces.md: herald-removable).
const REMOVABLE_ROOTS = ["/media", "/run/media", "/mnt"];

/**
 * The kind of a remote from its git URL, following git's own URL rules (git-clone(1) "GIT URLS"):
 *   - `file://` URLs and plain paths are local, or removable under /media, /run/media or /mnt;
 *   - `ssh://`, `git://`, scp-style `[user@]host:path` and other `scheme://` URLs are network;
 *   - `http://` and `https://` are cloud;
 *   - `transport::address` (a git remote helper, e.g. `gcrypt::ssh://host/repo`) is classified by
 *     its address.
 * git treats `host:path` as scp-style only when no slash comes before the first colon; a
 * one-letter "host" followed by `:\` or `:/` is a Windows drive, i.e. a local path.
 */
export function remoteKindOf(url: string): RemoteKind {
  let rest = url.trim();
  for (let helper = REMOTE_HELPER.exec(rest); helper; helper = REMOTE_HELPER.exec(rest)) rest = helper[1]!;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest)?.[1]?.toLowerCase();
  if (scheme === "file") return localKind(fileUrlPath(rest));
  if (scheme === "http" || scheme === "https") return "cloud";
  if (scheme !== undefined) return "network"; // ssh, git, git+ssh, ftp(s), rsync, ...
  if (/^[A-Za-z]:[\\/]/.test(rest)) return "local"; // Windows drive letter
  const colon = rest.indexOf(":");
  const slash = rest.indexOf("/");
  if (colon > 0 && (slash < 0 || colon < slash)) return "network"; // scp-style [user@]host:path
  return localKind(rest);
}

function fileUrlPath(url: string): string {
  const afterScheme = url.slice(url.indexOf("://") + 3);
  const path = afterScheme.slice(Math.max(0, afterScheme.indexOf("/"))); // drop any host part
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a stray "%" is not worth failing over
  }
}

function localKind(path: string): RemoteKind {
  const normalized = path.replace(/\/{2,}/g, "/");
  const removable = REMOVABLE_ROOTS.some((root) => normalized === root || normalized.startsWith(`${root}/`));
  return removable ? "removable" : "local";
}
