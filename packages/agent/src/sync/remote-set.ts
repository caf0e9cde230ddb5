// The clone's remotes as last resolved (peer, bare, or not reachable yet). One owner: the pusher,
// the pipeline, status and the plan read it; only this object changes it (a remote that was absent
// is resolved again when tried, a drive when it appears).
import { existsSync } from "node:fs";
import type { RemoteConfig } from "../config.js";
import { resolveRemote, type ResolveOptions, type ResolvedRemote } from "./remotes.js";
import { remoteNode } from "./plan-targets.js";
import { isRemovablePath } from "../watch/mount-table.js";

export class RemoteSet {
  #byName = new Map<string, ResolvedRemote>();
  #configs = new Map<string, RemoteConfig>();
  /** Network remotes that refused a push to their checked-out branch, by name and URL. */
  #unserved = new Map<string, string>();

  /** `env`: read at each question (the engine sets how ssh runs when it starts). */
  constructor(private readonly repoDir: string, private readonly opts: Pick<ResolveOptions, "askMs" | "self"> & { env?: () => Record<string, string> } = {}) {}

  /** Resolve the remotes as configured now (at start, and again whenever the settings change). */
  async load(configs: RemoteConfig[]): Promise<void> {
    this.#configs = new Map(configs.map((r) => [r.name, r]));
    for (const [name, url] of this.#unserved) if (this.#configs.get(name)?.url !== url) this.#unserved.delete(name);
    // A remote whose settings did not change keeps what it resolved to (no second network
    // question when some other setting changed); one that was not reachable is asked again.
    const resolved = await Promise.all(configs.map((r) => {
      const was = this.#byName.get(r.name);
      return was && was.kind !== "unknown" && sameConfig(was, r) ? was : this.#resolve(r);
    }));
    this.#byName = new Map(resolved.map((r) => [r.name, r]));
  }

  #resolve(r: RemoteConfig): Promise<ResolvedRemote> {
    const { env, ...opts } = this.opts;
    return resolveRemote(r, this.repoDir, { ...opts, ...(env ? { env: env() } : {}), unserved: new Set(this.#unserved.keys()) });
  }

  all(): ResolvedRemote[] { return [...this.#byName.values()]; }

  names(): string[] { return [...this.#byName.keys()]; }

  get(name: string): ResolvedRemote | undefined { return this.#byName.get(name); }

  /** Look at the remote again (it may have appeared, or changed kind). */
  async refresh(name: string): Promise<ResolvedRemote | undefined> {
    const r = this.#configs.get(name);
    if (!r || !this.#byName.has(name)) return undefined;
    const fresh = await this.#resolve(r);
    if (this.#configs.get(name) === r) this.#byName.set(name, fresh); // unless the settings changed meanwhile
    return fresh;
  }

  /** A network remote refused a push to its checked-out branch: a clone, never again taken for a
   * bare repository. Resolved again (it may advertise a node by now); the answer is returned. */
  async checkedOut(name: string): Promise<ResolvedRemote | undefined> {
    const r = this.#configs.get(name);
    if (r) this.#unserved.set(name, r.url);
    return this.refresh(name);
  }

  /** Clones on this machine that advertised no node when resolved: their Herald may have started
   * since (it writes its advertisement at start); read again (a local for-each-ref each). */
  async recheckLocal(): Promise<void> {
    await Promise.all(this.all().filter((r) => r.path !== undefined && r.kind !== "bare" && !r.advertised?.length).map((r) => this.refresh(r.name)));
  }

  removable(r: ResolvedRemote): boolean {
    return r.path !== undefined && (r.removable ?? isRemovablePath(r.path));
  }

  /** A drive that is not plugged in is not tried (and not queued again) until it appears. */
  available(r: ResolvedRemote): boolean {
    return !this.removable(r) || (r.path !== undefined && existsSync(r.path));
  }

  drivePaths(): string[] { return this.all().filter((r) => this.removable(r)).map((r) => r.path!); }

  byPath(path: string): ResolvedRemote | undefined { return this.all().find((r) => r.path === path); }

  /** A refs/remotes namespace is a peer's node id (it pushed in) or a remote's name (a fetch). */
  nodeOf(namespace: string): string {
    const remote = this.#byName.get(namespace);
    return remote ? remoteNode(remote) : namespace;
  }
}

function sameConfig(was: ResolvedRemote, now: RemoteConfig): boolean {
  return was.url === now.url && was.setting === now.node && was.cost === now.cost && was.removable === now.removable;
}
