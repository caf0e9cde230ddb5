// What an announced commit makes this clone do. If the commit is here already (a push beat the
// announcement), merge it unless HEAD holds it; otherwise fetch it along the plan (fetch-policy.ts)
// and merge. One fetch per announcing node at a time; announcements meanwhile collapse into one more.
import type { CommitAnnouncement } from "@herald/protocol";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { fetchPlan } from "../sync/fetch-policy.js";
import type { NetworkPlan } from "./network-plan.js";
import type { SyncPipeline } from "./pipeline.js";
import type { RemoteSet } from "../sync/remote-set.js";
import type { MergeScheduler } from "./merge-scheduler.js";

export interface AnnouncementDeps {
  repo: GitRepo;
  remotes: RemoteSet;
  plan: NetworkPlan;
  pipeline: SyncPipeline;
  merges: MergeScheduler;
  log: Logger;
}

export class Announcements {
  #fetching = new Map<string, { run: Promise<void>; again: CommitAnnouncement | null }>();
  #graceTimers = new Set<() => void>();
  #stopped = false;

  constructor(private readonly d: AnnouncementDeps) {}

  heard(a: CommitAnnouncement): void {
    if (this.#stopped) return;
    const running = this.#fetching.get(a.node);
    if (running) {
      running.again = a;
      return;
    }
    const entry = { run: Promise.resolve(), again: null as CommitAnnouncement | null };
    entry.run = (async () => {
      let next: CommitAnnouncement | null = a;
      while (next) {
        entry.again = null;
        await this.#fetchAndMerge(next).catch((e: Error) => this.d.log.error("announcement-failed", { error: e.message }));
        next = entry.again;
      }
    })().finally(() => this.#fetching.delete(a.node));
    this.#fetching.set(a.node, entry);
  }

  async #fetchAndMerge(a: CommitAnnouncement): Promise<void> {
    if (await this.d.repo.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
    const parent = this.d.plan.parent(a.node);
    const plan = fetchPlan(a.node, parent, this.d.remotes.all());
    if (plan.graceMs > 0) {
      await this.#grace(plan.graceMs);
      if (this.#stopped) return;
      if (await this.d.repo.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
      this.d.log.info("plan-parent-late", { parent: parent?.node, sha: a.sha, action: `fetching from ${a.node}` });
    }
    const t0 = performance.now();
    const from = plan.order.flatMap((name) => this.d.remotes.get(name) ?? []);
    const out = await this.d.pipeline.run({ reason: `announcement from ${a.node}`, fetch: { from, until: a.sha } });
    if (!out.foundAt) return this.d.log.warn("announced-commit-not-found", { node: a.node, sha: a.sha, tried: plan.order });
    this.d.log.info("fetched-announced", { announcer: a.node, sha: a.sha, remote: out.foundAt, ms: Math.round(performance.now() - t0) });
    await this.d.merges.now();
  }

  /** Merge an announced commit we have, unless HEAD holds it already: in a network of ten,
   * every commit is announced by each agent it passes through, and each of those would cost
   * every listener a merge pass. */
  async #mergeUnlessIn(sha: string): Promise<void> {
    const head = await this.d.repo.head();
    if (head === sha || (head !== null && (await this.d.repo.reaches(head, sha)) === true)) return;
    await this.d.merges.now();
  }

  /** One timer; cut short when the engine stops. */
  #grace(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); this.#graceTimers.delete(done); resolve(); };
      const timer = setTimeout(done, ms);
      this.#graceTimers.add(done);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const done of [...this.#graceTimers]) done();
    await Promise.all([...this.#fetching.values()].map((f) => f.run));
  }
}
