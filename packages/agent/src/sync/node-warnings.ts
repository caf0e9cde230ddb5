// Pure: what is wrong with how a remote's node is known, in one line for `herald status` and
// `herald doctor`. A node nobody hears from puts an unreachable node on the map and routes pushes
// to nobody; a typed herald-node that names no real node does the same, silently.

export interface RemoteNodeFacts {
  name: string;
  kind: string;
  node?: string;
  /** remote.<name>.herald-node */
  setting?: string;
  /** what the repository there advertises (refs/herald/node/*); absent: it did not answer */
  advertised?: string[];
  /** a non-bare clone no Herald serves (refused a push to its checked-out branch) */
  unserved?: true;
  /** the repository is on this machine (ResolvedRemote.path) */
  path?: string;
}

/**
 * `heard`: the nodes heard over XMPP (announcements, map adverts), or null when there is no XMPP
 * word to go on (git only, or not connected yet): then the advertisement is the evidence.
 * `self`: this clone's node (where pushes land on a clone no Herald serves).
 */
export function remoteNodeWarning(r: RemoteNodeFacts, heard: ReadonlySet<string> | null, self: string): string | undefined {
  if (r.kind === "bare" || r.kind === "unknown" && !r.setting) return undefined;
  if (r.unserved) {
    return `a clone that no Herald serves (it refused a push to its checked-out branch and advertises no node): pushes go to its refs/remotes/${self}/, where nobody merges them (start Herald there: herald add DIR)`;
  }
  const advertised = r.advertised ?? [];
  if (r.setting) {
    if (advertised.includes(r.setting) || heard?.has(r.setting)) return undefined;
    if (advertised.length) return `herald-node '${r.setting}' names no node Herald has heard of; the clone there advertises '${advertised[0]}' (remove the setting)`;
    if (heard === null && r.advertised === undefined) return undefined; // no evidence either way
    return `herald-node '${r.setting}' names no node Herald has heard of, and the clone there advertises none (is Herald running there? its herald status names its node)`;
  }
  if (!r.node) return undefined;
  // A clone on this machine that advertises its node is served by Herald here: pushes reach it
  // directly, and a clone served by the same login never hears itself over XMPP.
  if (heard !== null && !(r.path !== undefined && advertised.includes(r.node))) {
    return heard.has(r.node) ? undefined
      : `node '${r.node}' never heard from over XMPP (no announcement or map from it): is Herald running there, on this server, with this account as its herald.peer?`;
  }
  return advertised.includes(r.node) ? undefined : `the clone there advertises no node: no Herald has served it yet (its node is taken to be '${r.node}'; start Herald there: herald add DIR)`;
}
