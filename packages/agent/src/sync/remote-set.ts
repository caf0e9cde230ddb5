// The clone's remotes as last resolved (peer, bare, or not reachable yet). One owner: the pusher,
// the pipeline, status and the plan read it; only this object changes it (a remote that was absent
// is resolved again when tried, a drive when it appears).
import { existsSync } from "node:fs";
import type { RemoteConfig } from "../config.js";
import { resolveRemote, type ResolvedRemote } from "./remotes.js";
import { remoteNode } from "./plan-targets.js";
import { isRemovablePath } from "../watch/mount-table.js";

export class RemoteSet {
  #byName = new Map<string, ResolvedRemote>();

  constructor(private readonly repoDir: string) {}

  async load(configs: RemoteConfig[]): Promise<void> {
    const resolved = await Promise.all(configs.map((r) => resolveRemote(r, this.repoDir)));
    this.#byName = new Map(resolved.map((r) => [r.name, r]));
  }

  all(): ResolvedRemote[] { return [...this.#byName.values()]; }

  names(): string[] { return [...this.#byName.keys()]; }

  get(name: string): ResolvedRemote | undefined { return this.#byName.get(name); }

  /** Look at the remote again (it may have appeared, or changed kind). */
  async refresh(name: string): Promise<ResolvedRemote | undefined> {
    const r = this.#byName.get(name);
    if (!r) return undefined;
    const fresh = await resolveRemote(r, this.repoDir);
    this.#byName.set(name, fresh);
    return fresh;
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
