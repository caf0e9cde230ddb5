// Every new HEAD (a local commit, a merge) goes out along the plan: pushed to this node's
// children in the arborescence rooted where the change came from, then announced with the head
// those pushes delivered (peers may fetch from a bare remote we just fed). A failed push takes
// its link out of the map: plan again, so the change goes round it; the next head tries it again.
import type { AgentEmitter } from "../agent-events.js";
import { isHeraldMerge } from "../git/merge-commit.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import type { NetworkPlan } from "./network-plan.js";
import type { SyncPipeline } from "./pipeline.js";
import type { RemoteSet } from "../sync/remote-set.js";
import { announceMerge } from "../xmpp/announce-policy.js";

/** How long an announcement waits for the pushes of its head (they take well under a second
 * on a healthy link; one still running past this is as good as failing, for the announcement). */
export const PUSH_WAIT_MS = 5_000;

export interface HeadRouterDeps {
  node: string;
  repo: GitRepo;
  events: AgentEmitter;
  remotes: RemoteSet;
  plan: NetworkPlan;
  pipeline: SyncPipeline;
  /** remotes whose pushes are failing (the retrier has them) */
  failing: () => ReadonlySet<string>;
  /** the last head this remote took from us (pusher.ts), null before one did */
  pushedTo: (remote: string) => string | null;
  /** the map changed (a push failed or went through): publish it */
  mapChanged: () => void;
  log: Logger;
}

export class HeadRouter {
  /** Where the last new HEAD came from, and whether it is a merge made here. */
  #origin: string;
  #merge = false;
  /** Heads seen so far: an announcement waits for its head's pushes, and a newer head's own
   * announcement supersedes it. */
  #heads = 0;
  #runs = new Set<Promise<void>>();
  #stopping = false;

  constructor(private readonly d: HeadRouterDeps) {
    this.#origin = d.node;
    // Caught: a git call failing here (the clone moved away, say) must not end the process.
    d.events.on("head", (e) => {
      if (this.#stopping) return;
      this.#origin = e.origin === "local" || !e.source ? d.node : d.remotes.nodeOf(e.source);
      this.#merge = e.origin === "merge" && !e.source;
      this.#heads++;
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
    const [origin, merge, nth] = [this.#origin, this.#merge, this.#heads]; // the next head may come while this one is sent
    const sha = await this.d.repo.head();
    // Every remote the plan has, failing or not: a remote is tried with each new head, and the
    // retry backoff applies only between retries of one head (sync/retry-queue.ts). One that fails
    // again re-plans round it ("push-failed" above).
    const to = this.d.plan.targets(origin, true);
    // The announcement waits for the pushes, so that it can say who has the head, but not for a
    // remote failing already, nor beyond PUSH_WAIT_MS: a dead link would hold it back for its
    // whole deadline (herald.networkTimeout), and peers fetch for themselves meanwhile.
    const failing = this.d.failing();
    const behind = to.filter((r) => failing.has(r));
    if (behind.length) this.#track(this.d.pipeline.run({ reason: "new head", push: { to: behind } }));
    const pushes = this.#track(this.d.pipeline.run({ reason: "new head", push: { to: to.filter((r) => !failing.has(r)) } }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pushes, new Promise((r) => (timer = setTimeout(r, PUSH_WAIT_MS)))]).finally(() => clearTimeout(timer));
    // A newer head came meanwhile: its own announcement says more, and this one may name a head
    // the branch has left (our merge, given up for an equal one made elsewhere, whose push was
    // refused). Clones told of it then ask for a commit nobody keeps until a newer announcement
    // from us supersedes it; sent after the newer head's, this one was our last (npm run chaos
    // -- --quick --seed 16: far clones fetched around it for a minute, so the network never
    // went quiet).
    if (nth !== this.#heads) return this.d.log.debug("announce-superseded", { sha });
    // A head someone else made, pushed on to every child in the plan, each a clone that merges what
    // it is pushed: nobody relies on our announcement of it. Along a line of ten, each clone
    // announced the head it pushed on, 8 publishes per commit, each sent to every subscriber
    // (npm run bench: most of the CPU XMPP added there). No children: the same. A bare remote has
    // no agent, and clones fetch from it on the announcement that says it has the head.
    const fed = sha ? to.flatMap((name) => this.#fed(name, sha)) : [];
    // A head made here (a commit, a merge commit some clone may fetch) nobody else announces: it
    // goes out at once, also from a clone without remotes that others fetch from (npm run bench,
    // the XMPP-only line: c1 waited for its own announcement 1.5 s per commit).
    const made = origin === this.d.node;
    // A Herald merge, ours or relayed, reaches every clone by push, and far clones cannot fetch it:
    // announced only where some clone may (announceMerge), or where our branch left the last head
    // we announced (repo-channel.ts).
    const mergePushed = sha !== null && (merge || (!made && (await this.#heraldMerge(sha)))) && !this.#fetchable(to, origin);
    const relay = !mergePushed && (made || fed.length < to.length);
    // The clone it came from has it too: it does not fetch it through us.
    await this.d.pipeline.run({ reason: "new head", announce: sha ?? true, relay, holders: made ? fed : [...fed, origin], mergePushed });
  }

  /** Whether a clone may fetch a Herald merge pushed to `to` from where it is kept (announceMerge). */
  #fetchable(to: string[], origin: string): boolean {
    const children = to.map((name) => this.d.remotes.get(name));
    const toPassive = children.some((r) => r?.kind !== "peer" || !r.node);
    const holders = [...children.flatMap((r) => r?.node ?? []), origin];
    return announceMerge({ toPassive, fetchedThrough: this.d.plan.fetchesThrough(null, holders) });
  }

  /** Whether `sha` is a merge Herald made (here or on another clone). */
  async #heraldMerge(sha: string): Promise<boolean> {
    const c = await this.d.repo.commit(sha).catch(() => null);
    return c !== null && isHeraldMerge(c);
  }

  /** stop() waits for it too; a failure is the pusher's to record. */
  #track(p: Promise<unknown>): Promise<void> {
    const run = p.then(() => undefined, () => undefined).finally(() => this.#runs.delete(run));
    this.#runs.add(run);
    return run;
  }

  /** The node behind `remote`, when it is a clone that took `sha` from us. */
  #fed(remote: string, sha: string): string[] {
    const r = this.d.remotes.get(remote);
    return r?.kind === "peer" && r.node && this.d.pushedTo(remote) === sha ? [r.node] : [];
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#runs]);
  }
}
