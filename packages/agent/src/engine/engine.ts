// One repository's sync engine: builds its parts and wires them by name, and states the order
// they start in (like git-annex's Assistant.hs thread list). It holds no sync logic of its own:
// the pipeline fetches, merges and pushes; the plan routes; the channel signals.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AgentEmitter } from "../agent-events.js";
import { prepareNetwork } from "../git/ssh-control.js";
import type { AgentConfig } from "../config.js";
import { recoverInterruptedAdvance } from "../git/advance-recovery.js";
import type { GitRepo } from "../git/repo.js";
import { HookRunner } from "../hook-runner.js";
import type { Logger } from "../log.js";
import type { AgentStatus } from "../status.js";
import { LOCAL_BURST, type BurstRule } from "../sync/burst.js";
import { Committer } from "../sync/committer.js";
import { Content } from "../content/content.js";
import { ConflictStore } from "../sync/conflict-store.js";
import { Merger } from "../sync/merger.js";
import { PeerRecords } from "../sync/peer-records.js";
import { PushRetrier } from "../sync/push-retrier.js";
import { Pusher } from "../sync/pusher.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import { TransferGate } from "../sync/transfer-gate.js";
import { RefWatcher } from "../watch/ref-watcher.js";
import type { RepoChannel } from "../xmpp/repo-channel.js";
import type { XmppHub } from "../xmpp/xmpp-hub.js";
import type { XmppSettings } from "../xmpp/xmpp-settings.js";
import { Announcements } from "./announcements.js";
import { CloneLock } from "./clone-lock.js";
import { Drives } from "./drives.js";
import { HeadRouter } from "./head-router.js";
import { HeadTracker } from "../sync/head-tracker.js";
import { LocalCommits } from "./local-commits.js";
import { MergeScheduler } from "./merge-scheduler.js";
import { NetworkPlan } from "./network-plan.js";
import { SyncPipeline } from "./pipeline.js";
import { RemoteSet } from "../sync/remote-set.js";
import { advertiseNodeNowOrAtFirstCommit, ASK_REMOTE_MS } from "../sync/node-advert.js";
import { remoteNodeWarning } from "../sync/node-warnings.js";
import { openConflicts, repoStatus } from "./repo-status.js";
import { AutoMaintenance } from "../git/auto-maintenance.js";
import { Verifier } from "../verify/verifier.js";
import { ReceiveHooks } from "../git/receive-hooks.js";

export interface EngineOptions {
  /** Test-only: switch off watching .git/refs/remotes to prove another path stands alone. */
  watchRemoteRefs?: boolean;
  /** How local commit bursts are batched (default LOCAL_BURST; tests on a loaded machine widen it). */
  burst?: BurstRule;
  /** How long herald.hook may run before it is killed (default 10 s; tests shorten it). */
  hookTimeoutMs?: number;
  now?: () => Date;
}

export interface RemoteSyncReport { remote: string; fetched: boolean; pushed: boolean; error?: string }

export class RepoEngine {
  readonly events = new AgentEmitter();
  readonly heraldDir: string;
  readonly conflicts: ConflictStore;
  readonly plan: NetworkPlan;
  readonly content: Content;
  #paused = false;
  #remotes: RemoteSet;
  #heads = new HeadTracker();
  #merges: MergeScheduler;
  #merger: Merger;
  #local: LocalCommits;
  #pusher: Pusher;
  #retrier: PushRetrier;
  #pipeline: SyncPipeline;
  #announcements: Announcements;
  #maintenance: AutoMaintenance;
  #refWatcher: RefWatcher;
  #committer: Committer | null = null;
  #hooks: HookRunner | null = null;
  #drives: Drives;
  #channel: RepoChannel | null = null;
  #lock: CloneLock;
  #router: HeadRouter;
  #started = false;
  #releaseNetwork: () => Promise<void> = async () => undefined;
  #verifier: Verifier | null = null;

  constructor(readonly repo: GitRepo, readonly config: AgentConfig, private readonly xmpp: XmppSettings | null, readonly log: Logger, opts: EngineOptions = {}) {
    const now = opts.now ?? (() => new Date());
    const isPaused = () => this.#paused;
    const failing = () => new Set(Object.keys(this.#retrier.queue));
    this.heraldDir = join(repo.gitDir, "herald");
    this.#lock = new CloneLock(this.heraldDir, repo.dir);
    this.#maintenance = new AutoMaintenance(() => repo.exec(["maintenance", "run", "--auto", "--quiet"]));
    this.conflicts = new ConflictStore(join(this.heraldDir, "conflicts.json"));
    // Asking a remote who it is (one ls-remote) has no progress to show: a deadline in all, never
    // longer than the watchdog's.
    this.#remotes = new RemoteSet(repo.dir, { self: config.node, env: () => repo.networkEnv, askMs: Math.min(ASK_REMOTE_MS, config.networkTimeoutMs) });
    if (config.autocommit) this.#committer = new Committer(repo, config.node, log.child("committer"));
    const records = new PeerRecords({
      repo, log: log.child("records"),
      isBare: (ref) => this.#remotes.all().some((r) => r.kind === "bare" && ref.startsWith(`refs/remotes/${r.name}/`)),
    });
    const verifier = this.#verifier = config.verify.mode === "signed" ? new Verifier({ repo, settings: config.verify, log: log.child("verify"), events: this.events }) : null;
    const merger = this.#merger = new Merger({
      repo, events: this.events, log: log.child("merger"), conflicts: this.conflicts, heads: this.#heads, now, isPaused,
      commitLocalChanges: async () => (this.#committer ? this.#committer.commitNow() : false),
      records, ...(verifier ? { trusted: (tips, head) => verifier.trusted(tips, head) } : {}),
    });
    this.#merges = new MergeScheduler(merger, config.retryIntervalMs, log);
    this.#retrier = new PushRetrier(join(this.heraldDir, "retry-queue.json"), config.retryIntervalMs,
      (remotes) => void this.#pipeline.run({ reason: "retry", push: { to: remotes, again: true } }), log.child("push-retrier"), () => now().getTime());
    // Signs a remote is back: a fetch from it worked (its node's announcement or the XMPP login
    // returning, below). A retry waiting out its backoff goes now (issue: a fixed link waited for
    // attempt 9, about 8.5 minutes).
    this.events.on("fetched", ({ remote }) => this.#retrier.back([remote], "a fetch from it worked"));
    const receiveHooks = new ReceiveHooks(repo.dir, async () => (await repo.config("core.hooksPath")) !== null);
    this.#pusher = new Pusher({
      repo, receiveHooks, node: config.node, remotes: this.#remotes, events: this.events, log: log.child("pusher"), isPaused,
      fetchAndMerge: async (remote, reason) => { await this.#pipeline.run({ reason, fetch: { from: [remote] }, merge: true }); },
      onFailure: (remote, error, refused, sha) => this.#retrier.failed(remote, error, refused, sha),
      onSuccess: (remote) => this.#retrier.succeeded(remote),
      gate: new TransferGate(config.limits), lastHeld: (ref) => records.lastHeld(ref),
    });
    this.#pipeline = new SyncPipeline({ repo, events: this.events, log, merges: this.#merges, pusher: this.#pusher, records, isPaused, maintenance: this.#maintenance, announce: (sha, o) => this.#channel?.announce(sha, o) });
    this.plan = new NetworkPlan(config.node, xmpp?.repoId ?? "local", this.#remotes, failing);
    this.#announcements = new Announcements({ repo, remotes: this.#remotes, plan: this.plan, pipeline: this.#pipeline, merges: this.#merges, lastHeld: (ref) => records.lastHeld(ref), log });
    this.content = new Content({ repo, node: config.node, events: this.events, remotes: this.#remotes, plan: this.plan, heraldDir: this.heraldDir, limits: config.limits, reannounce: () => this.#channel?.reannounce(), routeIncoming: config.verify.mode !== "signed", receiveHooks, log: log.child("content") });
    this.#drives = new Drives(this.#remotes, this.#pipeline, log, (drive) => this.content.driveAppeared(drive));
    this.#local = new LocalCommits(repo, this.#heads, this.events, () => this.#merges.nudge(), opts.burst ?? LOCAL_BURST, log, () => this.#pusher.sendState());
    this.#refWatcher = new RefWatcher(repo.gitDir, { onLocal: () => this.#local.changed(), onRemote: () => this.#merges.incoming() }, opts.watchRemoteRefs ?? true);
    if (config.hook) (this.#hooks = new HookRunner(config.hook, repo.dir, log.child("hook"), opts.hookTimeoutMs)).follow(this.events);
    this.#router = new HeadRouter({
      node: config.node, repo, events: this.events, remotes: this.#remotes, plan: this.plan, pipeline: this.#pipeline, log,
      failing, pushedTo: (remote) => this.#pusher.lastPushed(remote), mapChanged: () => void this.#channel?.publishMap().catch((e: Error) => log.warn("map-publish-failed", { error: e.message })),
    });
  }

  get node(): string { return this.config.node; }
  get paused(): boolean { return this.#paused; }
  get busy(): boolean { return this.#merges.busy; }
  get remotes(): ResolvedRemote[] { return this.#remotes.all(); }
  get retryQueue() { return this.#retrier.queue; }
  get channel(): RepoChannel | null { return this.#channel; }

  async start(hub: XmppHub | null): Promise<void> {
    await mkdir(this.heraldDir, { recursive: true });
    await this.#lock.take();
    this.#started = true;
    this.#releaseNetwork = await prepareNetwork(this.repo, this.config, this.log);
    // 1. Finish or undo what a killed agent left half-done, before anything reads the tree.
    if ((await recoverInterruptedAdvance(this.repo)) === "recovered") this.log.warn("recovered", { what: "interrupted merge from a previous run" });
    // 2. Say who we are to the clones that have us as a remote (refs/herald/node/<node>), then
    // learn who our remotes are; and the persisted retry queue.
    await advertiseNodeNowOrAtFirstCommit(this.repo, this.node, this.events, this.log);
    await this.#remotes.load(this.config.remotes);
    await this.#retrier.load();
    // 3. Watchers, before the first pass, so nothing that lands meanwhile is missed.
    await this.#refWatcher.start();
    await this.#committer?.start();
    await this.#drives.start();
    await this.content.start();
    this.#heads.settled(await this.repo.head());
    this.log.info("started", { node: this.node, repo: this.repo.dir, remotes: this.remotes.map((r) => `${r.name}:${r.kind}`) });
    // 4. Signaling (logs in in the background), then local work first (SparkleShare lost edits
    // by pulling before committing), then catch up; pushes held back while stopped go out now.
    if (hub && this.xmpp) {
      this.#channel = hub.join(this.xmpp.session, this.config.admins, {
        pubsub: this.xmpp.pubsub, repoId: this.xmpp.repoId, node: this.node, peers: this.config.peers, log: this.log,
        head: async () => { const { branch, sha } = await this.repo.headState(); return branch && sha ? { branch, sha } : null; },
        advertise: () => this.plan.advertise(),
        onAnnouncement: (a) => {
          this.#nodeAlive(a.node, "announced");
          this.#announcements.heard(a);
          this.content.heard();
        },
        // A node's own map comes on each of its logins (and when its links change): it is up.
        onMap: (m) => { this.plan.hear(m); if (m.by === undefined && !m.passive) this.#nodeAlive(m.node, "is online"); },
        onOnline: () => this.#retrier.back(Object.keys(this.#retrier.queue), "xmpp online again"),
        relaysFor: (announcer, holders) => this.plan.fetchesThrough(announcer, holders),
        contains: (head, sha) => this.repo.isAncestor(sha, head),
      });
    }
    await this.#committer?.commitNow();
    this.#merges.nudge();
    void this.#pipeline.run({ reason: "start", push: { to: this.#remotes.names() }, announce: true });
  }

  /** A sign `node` is up: its remotes whose pushes fail are tried now. */
  #nodeAlive(node: string, what: string): void {
    this.#retrier.back(this.remotes.filter((r) => r.node === node).map((r) => r.name), `${node} ${what}`);
  }

  /** Fetch from every remote, merge, push to every remote; report per remote. */
  async sync(): Promise<RemoteSyncReport[]> {
    const remotes = this.remotes;
    const { fetched } = await this.#pipeline.run({ reason: "sync", fetch: { from: remotes }, merge: true, push: { to: remotes.map((r) => r.name), again: true }, announce: true });
    return remotes.map((r) => {
      const failure = this.#retrier.queue[r.name];
      return { remote: r.name, fetched: fetched[r.name]!, pushed: !failure, ...(failure ? { error: failure.error } : {}) };
    });
  }

  /** Merge incoming heads now; resolves once the pass is done and its conflicts are recorded. */
  async mergeNow(): Promise<void> { await this.#merges.now(); await this.#merges.idle(); }

  pause(): void { this.#paused = true; this.log.info("paused"); }
  resume(): void {
    this.#paused = false;
    this.log.info("resumed");
    this.#merges.nudge();
    void this.#pipeline.run({ reason: "resume", push: { to: this.#remotes.names() } });
  }

  async status(): Promise<AgentStatus> {
    await this.#remotes.recheckLocal();
    // With XMPP online, a node is known by its word there; otherwise by its advertisement.
    const xmpp = this.#channel?.stats;
    const heard = xmpp?.online ? new Set([...xmpp.peersSeen, ...this.plan.heardNodes()]) : null;
    return repoStatus({ repo: this.repo, node: this.node, remotes: this.remotes, warning: (r) => remoteNodeWarning(r, heard, this.node), pusher: this.#pusher, retries: this.#retrier.queue, conflicts: this.conflicts, paused: this.#paused, xmpp: this.#channel?.stats ?? null, content: this.content.status(), blocked: this.#merger.blocked, refused: this.#verifier?.refused ?? [] });
  }

  /** What presence says of this repository (machine/presence.ts): nothing about the remotes. */
  async presenceState(): Promise<{ head: string | null; conflicts: number; paused: boolean }> {
    const [{ sha }, conflicts] = await Promise.all([this.repo.headState(), this.conflicts.list()]);
    return { head: sha, conflicts: openConflicts(this.repo, conflicts), paused: this.#paused };
  }

  /** Resolves when no merge or push is running or pending. */
  async idle(): Promise<void> {
    do {
      await this.#merges.idle();
      await this.#pusher.idle();
      await this.#hooks?.idle();
      await this.content.idle();
    } while (this.#merges.busy);
  }

  /** `keepLogin`: a restart (the settings changed) follows at once, over the same login if they still name it. */
  async stop(hub: XmppHub | null, unsubscribe = false, keepLogin = false): Promise<void> {
    const routed = this.#router.stop(); // from here on no new head goes out
    this.#maintenance.stop();
    this.#drives.stop();
    if (this.#channel) await hub?.leave(this.#channel, unsubscribe, keepLogin);
    await this.#announcements.stop();
    await this.#refWatcher.stop();
    await this.#committer?.stop();
    await this.#local.stop();
    await this.#merges.stop();
    await routed;
    await this.#pusher.idle();
    await this.#retrier.stop();
    await this.content.stop();
    await this.#hooks?.idle();
    await this.#lock.release();
    await this.#releaseNetwork();
    this.repo.close();
    if (this.#started) this.log.info("stopped");
  }
}
