// Annexed content, for a clone that is a git-annex repository (annex.uuid set; otherwise this
// part stays idle and the clone syncs exactly as before). It wires the pieces: the git-annex
// branch travels (annex-branch.ts), each new HEAD's annexed keys are routed along the plan
// (content-plan.ts) and queued (transfer-queue.ts). Triggers are events, never a poll: a new
// HEAD, a push or fetch of the branch, and a local ref move (a peer's `git annex copy` into this
// clone records it in our git-annex branch, so content arriving here wakes us too).
import { join } from "node:path";
import type { AgentEmitter } from "../agent-events.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import type { NetworkMapAdvert } from "@herald/protocol";
import type { RemoteSet } from "../sync/remote-set.js";
import { RefWatcher } from "../watch/ref-watcher.js";
import { AnnexBranch } from "./annex-branch.js";
import { contentSteps } from "./content-plan.js";
import { contentStatus } from "./content-status.js";
import type { ContentStatus } from "../status.js";
import { lacking } from "./offer.js";
import { keysOfChange } from "./change-keys.js";
import { IncomingKeys } from "./incoming-keys.js";
import { HeldWhileMoving } from "./held-while-moving.js";
import { hasContent, hasWanted } from "./local-annex.js";
import { remoteCost } from "../sync/plan-targets.js";
import type { TransferRecord } from "./transfer-records.js";
import { TransferQueue } from "./transfer-queue.js";
import { isNetworkUrl } from "../git/network-policy.js";
import { firstConnection, masterFor } from "../git/ssh-control.js";
import { sshMovement } from "../git/ssh-activity.js";
import { runTransfer, type TransferJob, type TransferOutcome } from "./transfer-runner.js";
import { CoalescingLoop } from "../nudge.js";
import type { ReceiveHooks } from "../git/receive-hooks.js";

export interface ContentDeps {
  repo: GitRepo;
  node: string;
  events: AgentEmitter;
  remotes: RemoteSet;
  /** the map adverts heard (engine/network-plan.ts owns them) */
  plan: { adverts(): NetworkMapAdvert[] };
  heraldDir: string;
  /** herald.maxConcurrentTransfers and maxBytesPerSecond; content runs CONTENT_AT_ONCE when unset */
  limits: { concurrent?: number; bytesPerSecond?: number };
  /** announce our head again (peers below a passive repository learn that content is there) */
  reannounce: () => void;
  /** every incoming tip may be merged (herald.verify off): route its keys before the merge */
  routeIncoming: boolean;
  /** options for a push into a peer on this machine (git/receive-hooks.ts) */
  receiveHooks?: ReceiveHooks;
  log: Logger;
}

/** Annexed files at once when herald.maxConcurrentTransfers is unset: content is bandwidth-bound
 * (git-annex itself runs one at a time unless annex.jobs says more). */
export const CONTENT_AT_ONCE = 4;

/** A key this clone has seen arrive in a commit and has not finished routing. */
interface Pending { path: string; origin: string }

export class Content {
  #annexed = false;
  #branch: AnnexBranch;
  #queue: TransferQueue;
  #refs: RefWatcher;
  #pending = new Map<string, Pending>();
  #lastHead: string | null = null;
  #work: Promise<void> = Promise.resolve();
  #heads: Promise<void> = Promise.resolve();
  #refsPassWaiting = false;
  /** One routing pass at a time, one more waiting at most (whatever asked meanwhile sees its
   * change then). Routing reads only the pending keys, the plan and the object files. */
  #routing: CoalescingLoop;
  #incoming: IncomingKeys | null;
  /** the git-annex branch's travel, held while content moves (held-while-moving.ts) */
  #held = new HeldWhileMoving(() => this.#queue.busy);
  /** annex.tune.* set: objects may not be where objectPath puts them, so ask git-annex */
  #tuned = false;

  constructor(private readonly d: ContentDeps) {
    this.#branch = new AnnexBranch(d.repo, d.log.child("annex-branch"), (remote) => d.remotes.get(remote)?.url, async (remote) => (await d.receiveHooks?.forRemote(d.remotes.get(remote))) ?? []);
    this.#queue = new TransferQueue({
      file: join(d.heraldDir, "transfers.json"), limits: { ...d.limits, concurrent: d.limits.concurrent ?? CONTENT_AT_ONCE }, log: d.log.child("transfers"),
      run: (job, progress, signal) => this.#transfer(job, progress, signal),
      onEnd: (r) => this.#ended(r),
    });
    this.#routing = new CoalescingLoop("content-route", () => this.#route(), d.log);
    // A peer's tip landed: its keys are routed now, not after our merge (incoming-keys.ts).
    this.#incoming = d.routeIncoming ? new IncomingKeys(d.repo, () => this.#lastHead, (keys) => {
      for (const { key, path, namespace } of keys) if (!this.#pending.has(key)) this.#pending.set(key, { path, origin: d.remotes.nodeOf(namespace) });
      this.#routing.nudge();
    }, d.log) : null;
    this.#refs = new RefWatcher(d.repo.gitDir, { onLocal: () => this.#localRefsChanged(), onRemote: () => { this.#localRefsChanged(); this.#incoming?.nudge(); } });
  }

  get annexed(): boolean { return this.#annexed; }
  transfers(): TransferRecord[] { return this.#queue.list(); }
  control(action: "pause" | "resume" | "cancel", key: string | null): number { return this.#queue.control(action, key); }
  status(): ContentStatus | undefined { return this.#annexed ? contentStatus(this.#queue.list(), this.#pending.size, this.#queue.paused) : undefined; }

  async start(): Promise<void> {
    this.#annexed = (await this.d.repo.config("annex.uuid")) !== null;
    if (!this.#annexed) return;
    this.#tuned = (await this.d.repo.tryRun(["config", "--get-regexp", "^annex\\.tune\\."]))?.trim() ? true : false;
    this.#lastHead = await this.d.repo.head();
    await this.#queue.load();
    await this.#refs.start();
    const { events } = this.d;
    events.on("head", (e) => this.#inOrder(() => this.#newHead(e.sha, e.origin === "local" || !e.source ? this.d.node : this.d.remotes.nodeOf(e.source))));
    events.on("pushed", (e) => this.#held.run(`push ${e.remote}`, () => void this.#branch.push(e.remote)));
    events.on("fetched", (e) => this.#held.run(`fetch ${e.remote}`, () => void this.#serially(async () => { await this.#branch.fetch(e.remote); await this.#branch.mergeIfChanged(); })));
    void this.#serially(() => this.#branch.mergeIfChanged());
    // Content committed while no agent ran: what each reachable remote lacks goes now.
    for (const r of this.d.remotes.all()) if (this.d.remotes.available(r)) void this.#serially(() => this.#offer(r.name));
  }

  /** The git-annex branch's travel (fetches from remotes, merges, offers), one step at a time. */
  #serially(fn: () => Promise<void>): Promise<void> {
    this.#work = this.#work.then(fn).catch((e: Error) => this.d.log.warn("content-failed", { error: e.message }));
    return this.#work;
  }

  /** Heads are diffed in order, on a chain of their own: a new key is routed at once, never
   * behind a fetch of a remote's git-annex branch (a slow remote held every hop up). */
  #inOrder(fn: () => Promise<void>): Promise<void> {
    this.#heads = this.#heads.then(fn).catch((e: Error) => this.d.log.warn("content-failed", { error: e.message }));
    return this.#heads;
  }

  /** A drive appeared (and its branches were synced): queue the content here that it wants and lacks. */
  driveAppeared(remote: string): void {
    if (this.#annexed) void this.#serially(() => this.#offer(remote));
  }

  /** Queue for `remote` the content here that it wants and, by the location log, lacks; not
   * what was cancelled for it (a cancel holds until the next change brings the key again). */
  async #offer(remote: string): Promise<void> {
    const r = this.d.remotes.get(remote);
    if (!r) return;
    await this.#branch.fetch(remote);
    await this.#branch.mergeIfChanged();
    for (const { key, path } of await lacking(this.d.repo, remote, r.url)) this.#queue.add({ key, path, direction: "to", remote, cost: remoteCost(r) }, false);
  }

  async #newHead(sha: string, origin: string): Promise<void> {
    const from = this.#lastHead;
    this.#lastHead = sha;
    // A fast-forward to a tip read as it landed brings nothing more (incoming-keys.ts).
    if (from === null || !this.#incoming?.readAgainst(from, sha)) {
      for (const { key, path } of await keysOfChange(this.d.repo, from, sha)) this.#pending.set(key, { path, origin });
      this.d.log.debug("content-keys", { to: sha, from, on: "head" });
    }
    this.#routing.nudge();
    await this.#routing.idle();
  }

  /** A ref moved: content may have landed here (a peer's `git annex copy` into this clone moves
   * our git-annex branch as it ends), so route at once, the next hop starting the moment the
   * content is here; the union merge of the location logs follows on the serial chain, where a
   * fetch of a remote's git-annex branch may be running. A burst of ref moves (every git-annex
   * write moves refs/heads/git-annex) is one pass: one waiting at most, like a nudge. */
  #localRefsChanged(): void {
    this.#routing.nudge();
    this.#held.run("merge", () => {
      if (this.#refsPassWaiting) return;
      this.#refsPassWaiting = true;
      void this.#serially(async () => {
        this.#refsPassWaiting = false;
        await this.#branch.mergeIfChanged();
      });
    });
  }

  /** Queue what the plan says for each pending key; a key is done here once it is present. */
  async #route(): Promise<void> {
    const remotes = this.d.remotes.all().filter((r) => this.d.remotes.available(r));
    for (const [key, p] of this.#pending) {
      const present = await this.#present(key);
      for (const s of contentSteps(this.d.plan.adverts(), this.d.node, p.origin, remotes, present)) this.#queue.add({ key, path: p.path, ...s });
      if (present) this.#pending.delete(key);
    }
  }

  /** One transfer. A get this clone does not want is skipped before it starts; any other get that
   * ends quietly without the content found nothing at the remote yet: a failure, to retry. */
  async #transfer(job: TransferJob, progress: (bytes: number, total: number | null) => void, signal: AbortSignal): Promise<TransferOutcome> {
    const wanted = await this.#hasWanted(job.direction === "to" ? job.remote : "here");
    if (wanted && job.direction === "from" && !(await this.d.repo.tryRun(["annex", "find", "--want-get", "--", job.path]))?.trim()) return { result: "skipped" };
    const url = this.d.remotes.get(job.remote)?.url;
    const idleMs = url === undefined || isNetworkUrl(url) ? this.d.repo.networkTimeoutMs : undefined;
    const out = await firstConnection(url ?? "", () => runTransfer(this.d.repo.dir, { ...job, wanted }, progress, signal, this.d.repo.networkEnv, idleMs, sshMovement(() => masterFor(url ?? ""))));
    return out.result === "skipped" && job.direction === "from" && !(await this.#present(job.key)) ? { result: "failed", error: `${job.remote} does not have it yet` } : out;
  }

  #hasWanted(repo: string): Promise<boolean> { return hasWanted(this.d.repo, repo); }
  #present(key: string): Promise<boolean> { return hasContent(this.d.repo, key, this.#tuned); }

  /** A peer announced: content may have reached a passive repository; gets that found nothing there try again now. */
  heard(): void {
    if (this.#annexed) this.#queue.retryNow("from");
  }

  /** Where content moved, the location log changed: tell the remotes (synced/git-annex). Content
   * that reached a passive repository (no agent there to push it on) is announced, so that the
   * clones below it in the plan get it now rather than at their next retry. */
  #ended(r: TransferRecord): void {
    if (r.state === "done") {
      if (r.direction === "to" && !this.d.remotes.get(r.remote)?.node) this.d.reannounce();
      for (const remote of this.d.remotes.all()) if (this.d.remotes.available(remote)) this.#held.run(`push ${remote.name}`, () => void this.#branch.push(remote.name));
    }
    if (!this.#queue.busy) this.#held.flush();
  }

  async idle(): Promise<void> {
    await this.#incoming?.idle();
    await this.#queue.idle();
    this.#held.flush();
    await this.#heads;
    await this.#work;
    await this.#routing.idle();
    await this.#queue.idle();
    await this.#branch.idle();
  }

  async stop(): Promise<void> {
    await this.#refs.stop();
    await this.#incoming?.stop();
    this.#held.flush();
    await this.#heads;
    await this.#routing.stop();
    await this.#queue.stop();
    await this.#work;
    await this.#branch.idle();
  }
}
