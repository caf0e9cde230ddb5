// Removable remotes (a USB drive): not tried while absent (RemoteSet.available), and synced both
// ways the moment the drive appears, then announced; then `onSynced` (the annexed content it wants).
import type { Logger } from "../log.js";
import { MountWatcher } from "../watch/mount-watcher.js";
import type { SyncPipeline } from "./pipeline.js";
import type { RemoteSet } from "../sync/remote-set.js";

export class Drives {
  #mounts: MountWatcher | null = null;

  constructor(private readonly remotes: RemoteSet, private readonly pipeline: SyncPipeline, private readonly log: Logger, private readonly onSynced: (remote: string) => void = () => {}) {}

  async start(): Promise<void> {
    if (!this.remotes.drivePaths().length) return;
    this.#mounts = new MountWatcher(() => this.remotes.drivePaths(), (p) => void this.#appeared(p), this.log.child("mount-watcher"));
    await this.#mounts.start();
  }

  stop(): void { this.#mounts?.stop(); }

  async #appeared(path: string): Promise<void> {
    const r = this.remotes.byPath(path);
    if (!r) return;
    const t0 = performance.now();
    this.log.info("drive-appeared", { remote: r.name, path });
    const fresh = (await this.remotes.refresh(r.name)) ?? r;
    await this.pipeline.run({ reason: "drive appeared", fetch: { from: [fresh] }, merge: true, push: { to: [r.name], again: true }, announce: true });
    this.log.info("drive-synced", { remote: r.name, ms: Math.round(performance.now() - t0) });
    this.onSynced(r.name);
  }
}
