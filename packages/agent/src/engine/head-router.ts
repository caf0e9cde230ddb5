// Every new HEAD (a local commit, a merge) goes out along the plan: pushed to this node's
// children in the arborescence rooted where the change came from, then announced with the head
// those pushes delivered (peers may fetch from a bare remote we just fed). A failed push takes
// its link out of the map: plan again, so the change goes round it.
import type { AgentEmitter } from "../agent-events.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import type { NetworkPlan } from "./network-plan.js";
import type { SyncPipeline } from "./pipeline.js";
import type { RemoteSet } from "../sync/remote-set.js";

export interface HeadRouterDeps {
  node: string;
  repo: GitRepo;
  events: AgentEmitter;
  remotes: RemoteSet;
  plan: NetworkPlan;
  pipeline: SyncPipeline;
  /** remotes whose pushes are failing (the retrier has them) */
  failing: () => ReadonlySet<string>;
  /** the map changed (a push failed or went through): publish it */
  mapChanged: () => void;
  log: Logger;
}

export class HeadRouter {
  /** Where the last new HEAD came from. */
  #origin: string;
  #runs = new Set<Promise<void>>();
  #stopping = false;

  constructor(private readonly d: HeadRouterDeps) {
    this.#origin = d.node;
    // Caught: a git call failing here (the clone moved away, say) must not end the process.
    d.events.on("head", (e) => {
      if (this.#stopping) return;
      this.#origin = e.origin === "local" || !e.source ? d.node : d.remotes.nodeOf(e.source);
      const run = this.#send().catch((err: unknown) => d.log.warn("head-push-failed", { sha: e.sha, error: (err as Error).message }))
        .finally(() => this.#runs.delete(run));
      this.#runs.add(run); // stop() waits for these: no push or announcement after it returns
    });
    // Not to remotes that are failing, or the push that just failed would repeat forever.
    d.events.on("push-failed", () => {
      d.mapChanged();
      const failing = d.failing();
      void d.pipeline.run({ reason: "re-plan", push: { to: d.plan.targets(this.#origin).filter((r) => !failing.has(r)) } });
    });
    d.events.on("pushed", () => d.mapChanged());
  }

  async #send(): Promise<void> {
    const sha = await this.d.repo.head();
    const to = this.d.plan.targets(this.#origin);
    // No children in the plan: nobody relies on our announcement of a head someone else announced.
    await this.d.pipeline.run({ reason: "new head", push: { to }, announce: sha ?? true, relay: to.length > 0 });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#runs]);
  }
}
