// What an announced commit makes this clone do. If the commit is here already (a push beat the
// announcement), merge it unless HEAD holds it; otherwise fetch it along the plan (fetch-policy.ts)
// and merge. One fetch per announcing node at a time; announcements meanwhile collapse into one more.
// A commit no remote gave us is asked for again later (fetch-policy.ts: missedFetchDelay), until a
// newer announcement from that node replaces it, unless the announcer's own branch has left it.
// A planned parent that pushed to us while it had its grace is not fetched around: its pushes
// bring the work (fetch-policy.ts: parentRelayed); it is looked at again later all the same.
import type { CommitAnnouncement } from "@herald/protocol";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { fetchPlan, missedFetchDelay, parentRelayed, superseded } from "../sync/fetch-policy.js";
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
  /** the grace a planned agent parent gets for each push on the way (fetch-policy.ts PLAN_GRACE_MS) */
  graceMs?: number;
  /** what our record of a peer's branch holds, or held when the merger emptied it (PeerRecords) */
  lastHeld: (ref: string) => Promise<string | undefined>;
}

export class Announcements {
  #fetching = new Map<string, { run: Promise<void>; again: CommitAnnouncement | null }>();
  #graceTimers = new Set<() => void>();
  #missed = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(private readonly d: AnnouncementDeps) {}

  heard(a: CommitAnnouncement): void {
    this.#run(a, 0);
  }

  #run(a: CommitAnnouncement, attempt: number): void {
    if (this.#stopped) return;
    const missed = this.#missed.get(a.node);
    if (missed) clearTimeout(missed);
    this.#missed.delete(a.node);
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
        const found = await this.#fetchAndMerge(next).catch((e: Error) => {
          this.d.log.error("announcement-failed", { error: e.message });
          return false;
        });
        if (!found && !entry.again) this.#later(next, next === a ? attempt : 0);
        next = entry.again;
      }
    })().finally(() => this.#fetching.delete(a.node));
    this.#fetching.set(a.node, entry);
  }

  /** Ask for a commit no remote gave us once more, after a while (one timer per announcing node). */
  #later(a: CommitAnnouncement, attempt: number): void {
    const ms = missedFetchDelay(attempt);
    if (this.#stopped) return;
    if (ms === null) return this.d.log.warn("announced-commit-given-up", { node: a.node, sha: a.sha, attempts: attempt });
    this.#missed.set(a.node, setTimeout(() => { this.#missed.delete(a.node); this.#run(a, attempt + 1); }, ms));
  }

  /** false: no remote gave us the commit. */
  async #fetchAndMerge(a: CommitAnnouncement): Promise<boolean> {
    if (await this.d.repo.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
    const parent = this.d.plan.parent(a.node);
    const plan = fetchPlan(a.node, parent, this.d.remotes.all(), this.d.graceMs);
    if (plan.graceMs > 0 && parent) {
      const record = await this.#recordOf(parent.node);
      await this.#grace(plan.graceMs);
      if (this.#stopped) return true;
      if (await this.d.repo.hasCommit(a.sha)) return this.#mergeUnlessIn(a.sha);
      if (parentRelayed(record, await this.#recordOf(parent.node))) {
        this.d.log.debug("plan-parent-relaying", { parent: parent.node, sha: a.sha, action: "its pushes bring the work; looking again later" });
        return false;
      }
      this.d.log.info("plan-parent-late", { parent: parent.node, sha: a.sha, graceMs: plan.graceMs, action: "fetching around it" });
    }
    const t0 = performance.now();
    const from = plan.order.flatMap((name) => this.d.remotes.get(name) ?? []);
    const out = await this.d.pipeline.run({ reason: `announcement from ${a.node}`, fetch: { from, until: a.sha } });
    if (!out.foundAt && superseded(a.node, from, out.fetched)) {
      this.d.log.info("announced-commit-superseded", { node: a.node, sha: a.sha, action: `merging what ${a.node}'s branch holds now` });
      await this.d.merges.now();
      return true;
    }
    if (!out.foundAt) {
      this.d.log.warn("announced-commit-not-found", { node: a.node, sha: a.sha, tried: plan.order, action: "asking again later" });
      return false;
    }
    this.d.log.info("fetched-announced", { announcer: a.node, sha: a.sha, remote: out.foundAt, ms: Math.round(performance.now() - t0) });
    await this.d.merges.now();
    return true;
  }

  /** The commit `node`'s pushes last left here, in its record or, once the merger emptied that,
   * as it was then: a push that landed and was merged within the grace is a push all the same (in
   * a storm the merge pass usually empties the record before the grace is out). */
  async #recordOf(node: string): Promise<string | undefined> {
    const { branch } = await this.d.repo.headState();
    if (!branch) return undefined;
    return this.d.lastHeld(`refs/remotes/${node}/${branch.slice("refs/heads/".length)}`);
  }

  /** Merge an announced commit we have, unless HEAD holds it already: in a network of ten,
   * every commit is announced by each agent it passes through, and each of those would cost
   * every listener a merge pass. */
  async #mergeUnlessIn(sha: string): Promise<true> {
    const head = await this.d.repo.head();
    if (head === sha || (head !== null && (await this.d.repo.reaches(head, sha)) === true)) return true;
    await this.d.merges.now();
    return true;
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
    for (const t of this.#missed.values()) clearTimeout(t);
    this.#missed.clear();
    await Promise.all([...this.#fetching.values()].map((f) => f.run));
  }
}
