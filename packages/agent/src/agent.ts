// The composition root: one agent beside one clone. Builds every part, wires them by name, and
// states the order they start in (like git-annex's Assistant.hs thread list).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AgentEmitter } from "./agent-events.js";
import { readConfig, type AgentConfig } from "./config.js";
import { HeraldError } from "./errors.js";
import { recoverInterruptedAdvance } from "./git/advance-head.js";
import { GitRepo } from "./git/repo.js";
import { RefFiles } from "./git/ref-files.js";
import { HookRunner } from "./hook-runner.js";
import { silentLogger, type Logger } from "./log.js";
import { Batcher, CoalescingLoop } from "./nudge.js";
import { Committer } from "./sync/committer.js";
import { ConflictStore } from "./sync/conflict-store.js";
import { Merger } from "./sync/merger.js";
import { PushRetrier } from "./sync/push-retrier.js";
import { Pusher } from "./sync/pusher.js";
import { resolveRemote, type ResolvedRemote } from "./sync/remotes.js";
import { RefWatcher } from "./watch/ref-watcher.js";
import { MountWatcher } from "./watch/mount-watcher.js";
import { isRemovablePath } from "./watch/mount-table.js";
import { existsSync } from "node:fs";
import type { NetworkMapAdvert } from "@herald/protocol";
import { ownAdverts, pushTargets, remoteNode } from "./sync/plan-targets.js";
import { TransferGate } from "./sync/transfer-gate.js";
import { LOCAL_BURST, type BurstRule } from "./sync/burst.js";
import { graphFromAdverts, minCostArborescence } from "@herald/planner";
import { presenceText, statusText, type AgentStatus } from "./status.js";
import { resolveXmppSettings } from "./xmpp/xmpp-settings.js";
import { Signaling } from "./xmpp/signaling.js";
import { ControlServer } from "./control/socket-server.js";
import { LogRing } from "./log-ring.js";
import { pidAlive } from "./pid-alive.js";
import { chmod } from "node:fs/promises";
import { createLogger, type Level } from "./log.js";

/**
 * Incoming refs closer than 5 ms are one burst, merged together (at most 150 ms late). Every
 * peer relays a merge at once; merging each as it lands makes every node build a different
 * intermediate merge and the mesh churns (Syncthing batches the same way).
 */
const SETTLE: BurstRule = { gapMs: 5, maxMs: 150 };

export interface AgentOptions {
  repoDir: string;
  log?: Logger;
  /** Test-only: switch off watching .git/refs/remotes to prove another path stands alone. */
  watchRemoteRefs?: boolean;
  /** How local commit bursts are batched (default LOCAL_BURST; tests on a loaded machine widen it). */
  burst?: BurstRule;
  /** How long herald.hook may run before it is killed (default 10 s; tests shorten it). */
  hookTimeoutMs?: number;
  now?: () => Date;
  /** Where HERALD_PASSWORD and HERALD_DEBUG_XMPP are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface RemoteSyncReport { remote: string; fetched: boolean; pushed: boolean; error?: string }

export class Agent {
  readonly events = new AgentEmitter();
  readonly heraldDir: string;
  paused = false;
  #merger: Merger;
  #mergeLoop: CoalescingLoop;
  #localLoop: CoalescingLoop;
  #pusher: Pusher;
  #retrier: PushRetrier;
  #refWatcher: RefWatcher;
  #committer: Committer | null = null;
  #hooks: HookRunner | null = null;
  #blockedTimer: NodeJS.Timeout | null = null;
  #blockedAttempt = 0;
  /** Incoming refs: the first after a quiet spell is merged at once, a burst once it pauses. */
  #settle: Batcher;
  /** Local commits: the first after a quiet spell is pushed at once, a burst once it pauses. */
  #localBurst: Batcher;
  #localBranch = "";
  #headRuns = new Set<Promise<void>>();
  #stopping = false;
  readonly conflicts: ConflictStore;
  #signaling: Signaling | null = null;
  #control: ControlServer | null = null;
  #mounts: MountWatcher | null = null;
  /** Map adverts heard from peers, newest per (node, advertiser). */
  readonly peerAdverts = new Map<string, NetworkMapAdvert>();
  #origin: string;
  #mapSeq = 0;
  #repoId = "local";
  readonly logRing: LogRing;

  private constructor(readonly repo: GitRepo, readonly config: AgentConfig, readonly log: Logger, private readonly opts: AgentOptions, ring: LogRing) {
    this.logRing = ring;
    this.heraldDir = join(repo.gitDir, "herald");
    const now = opts.now ?? (() => new Date());
    this.conflicts = new ConflictStore(join(this.heraldDir, "conflicts.json"));
    if (config.autocommit) this.#committer = new Committer(repo, config.node, log.child("committer"));
    this.#merger = new Merger({
      repo, events: this.events, log: log.child("merger"), conflicts: this.conflicts, now,
      commitLocalChanges: async () => (this.#committer ? this.#committer.commitNow() : false),
      isPaused: () => this.paused,
      prunable: (ref) => !this.remotes.some((r) => r.kind === "bare" && ref.startsWith(`refs/remotes/${r.name}/`)),
      onPruned: (ref, sha) => this.#pusher.rememberPeerHead(ref, sha),
    });
    this.#mergeLoop = new CoalescingLoop("merger", () => this.#mergePass(), log);
    this.#settle = new Batcher(SETTLE, () => this.#mergeLoop.nudge());
    this.#localBurst = new Batcher(opts.burst ?? LOCAL_BURST, () => this.#sendLocalHead());
    this.#localLoop = new CoalescingLoop("ref-watcher", () => this.#onLocalRefs(), log);
    this.#retrier = new PushRetrier(join(this.heraldDir, "retry-queue.json"), config.retryIntervalMs,
      (remotes) => void this.#pusher.nudge(remotes, true), log.child("push-retrier"), () => now().getTime());
    this.#pusher = new Pusher({
      repo, node: config.node, events: this.events, log: log.child("pusher"),
      fetchAndMerge: async (remote, reason) => { await this.fetch(remote, reason); await this.mergeNow(); },
      onFailure: (remote, error) => this.#retrier.failed(remote, error),
      onSuccess: (remote) => this.#retrier.succeeded(remote),
      isPaused: () => this.paused,
      // A drive that is not plugged in is not tried (and not queued again) until it appears.
      gate: new TransferGate(config.limits),
      isAvailable: (r) => !this.#isRemovable(r) || (r.path !== undefined && existsSync(r.path)),
    });
    this.#refWatcher = new RefWatcher(repo.gitDir, {
      // One commit fires several events (the .lock created, written, renamed): one look at HEAD
      // per burst, not one per event.
      onLocal: () => this.#localLoop.nudge(),
      onRemote: () => this.#settle.event(),
    }, opts.watchRemoteRefs ?? true);
    if (config.hook) {
      const hooks = new HookRunner(config.hook, repo.dir, log.child("hook"), opts.hookTimeoutMs);
      this.#hooks = hooks;
      this.events.on("commit", (e) => hooks.run({ event: "commit", ...e }));
      this.events.on("merged", (e) => hooks.run({ event: "merged", ref: e.ref, sha: e.sha }));
      this.events.on("conflict", (e) => hooks.run({ event: "conflict", ref: e.ref, sha: e.sha }));
      this.events.on("pushed", (e) => hooks.run({ event: "pushed", ref: e.ref, sha: e.sha, remote: e.remote }));
      this.events.on("push-failed", (e) => hooks.run({ event: "push-failed", ref: e.ref, sha: e.sha, remote: e.remote }));
    }
    this.#origin = config.node;
    // Caught: a git call failing here (the clone moved away, say) must not end the process.
    this.events.on("head", (e) => {
      if (this.#stopping) return;
      const run = this.#onHead(e.origin, e.source)
        .catch((err: unknown) => this.log.warn("head-push-failed", { sha: e.sha, error: (err as Error).message }))
        .finally(() => this.#headRuns.delete(run));
      this.#headRuns.add(run); // stop() waits for these: no push or announcement after it returns
    });
    // A push that failed takes its link out of the map: plan again, so the change goes round it.
    this.events.on("push-failed", () => {
      void this.#signaling?.publishMap();
      // Not to remotes that are failing (the retrier has them): off the plan, the targets are
      // every remote, and the push that just failed would be tried again at once, forever.
      const failing = this.#retrier.queue;
      void this.#pusher.nudge(this.planTargets(this.#origin).filter((r) => !(r in failing)));
    });
    this.events.on("pushed", () => void this.#signaling?.publishMap());
    this.events.on("conflict", () => void this.#updatePresence());
  }

  static async start(opts: AgentOptions): Promise<Agent> {
    const repo = await GitRepo.open(opts.repoDir);
    const config = await readConfig(repo); // validated before any side effect
    // Every record goes to the caller's logger and to a ring that `herald log` reads.
    const base = opts.log ?? silentLogger;
    const ring = new LogRing();
    const forward = (r: import("./log.js").LogRecord) => {
      const { t: _t, level, event, ...rest } = r;
      base[level as Level](event, rest);
    };
    const log = createLogger([(r) => { if (r.level !== "debug") ring.sink(r); }, forward], "debug", opts.now).with({ node: config.node });
    const agent = new Agent(repo, config, log, opts, ring);
    const xmpp = config.jid ? await resolveXmppSettings(repo, config, opts.env ?? process.env) : null; // validated before side effects
    await agent.#start();
    if (xmpp) {
      agent.#repoId = xmpp.repoId;
      agent.#signaling = new Signaling({
        ...xmpp, node: config.node, peers: config.peers, admins: config.admins, log,
        head: async () => {
          const { branch, sha } = await repo.headState();
          return branch && sha ? { branch, sha } : null;
        },
        hasCommit: (sha) => repo.hasCommit(sha),
        inHead: async (sha) => {
          const head = await repo.head();
          return head === sha || (head !== null && (await repo.reaches(head, sha)) === true);
        },
        remotes: () => agent.remotes,
        fetch: (remote, reason) => agent.fetch(remote, reason),
        merge: () => agent.mergeNow(),
        onMap: (m) => {
          agent.peerAdverts.set(`${m.node} ${m.by ?? m.node}`, m);
          agent.log.debug("map-advert", { node: m.node, by: m.by ?? m.node, edges: m.edges.length });
        },
        ownAdverts: () => agent.ownAdverts(),
        planParent: (origin) => agent.planParent(origin),
        chat: {
          status: async () => statusText(await agent.status(), Date.now()),
          sync: async () => {
            const report = await agent.sync();
            return report.length === 0 ? "sync done: no remotes configured"
              : `sync done:\n${report.map((r) => `  ${r.remote}: ${r.pushed ? "up to date" : `push failed (${r.error ?? "unknown"}), will retry`}${r.fetched ? "" : ", fetch failed"}`).join("\n")}`;
          },
          pause: async () => { agent.pause(); return "paused: no merges or pushes until resume"; },
          resume: async () => { agent.resume(); return "resumed"; },
        },
      });
      agent.#signaling.session.on("online", () => void agent.#updatePresence());
      agent.#signaling.start();
    }
    await agent.#startControl();
    return agent;
  }

  get node(): string { return this.config.node; }
  get remotes(): ResolvedRemote[] { return [...this.#pusher.remotes.values()]; }
  get retryQueue() { return this.#retrier.queue; }

  async #start(): Promise<void> {
    await mkdir(this.heraldDir, { recursive: true });
    await this.#lock();
    // 1. Finish or undo what a killed agent left half-done, before anything reads the tree.
    if ((await recoverInterruptedAdvance(this.repo)) === "recovered") this.log.warn("recovered", { what: "interrupted merge from a previous run" });
    // 2. Remotes and the persisted retry queue.
    this.#pusher.setRemotes(await Promise.all(this.config.remotes.map((r) => resolveRemote(r, this.repo.dir))));
    await this.#retrier.load();
    // 3. Watchers, before the first pass, so nothing that lands meanwhile is missed.
    await this.#refWatcher.start();
    await this.#committer?.start();
    if (this.remotes.some((r) => this.#isRemovable(r))) {
      this.#mounts = new MountWatcher(() => this.remotes.filter((r) => this.#isRemovable(r)).map((r) => r.path!), (p) => void this.#onDriveAppeared(p), this.log.child("mount-watcher"));
      await this.#mounts.start();
    }
    this.#merger.lastHead = await this.repo.head();
    this.log.info("started", { node: this.node, repo: this.repo.dir, remotes: this.remotes.map((r) => `${r.name}:${r.kind}`) });
    // 4. Local work first (SparkleShare lost edits by pulling before committing), then catch up.
    await this.#committer?.commitNow();
    this.#mergeLoop.nudge();
    // Pushes held back while paused go out now, then the head is announced.
    void Promise.all(this.#pusher.nudge()).then(() => this.#signaling?.announce());
  }

  async #startControl(): Promise<void> {
    await chmod(this.heraldDir, 0o700); // the socket's directory: only this user may even look
    this.#control = new ControlServer(join(this.heraldDir, "control.sock"), {
      status: () => this.status(),
      sync: () => this.sync(),
      pause: async () => { this.pause(); return { paused: true }; },
      resume: async () => { this.resume(); return { paused: false }; },
      map: async () => ({ node: this.node, adverts: [...this.peerAdverts.values(), ...this.ownAdverts()] }),
      recentLog: (n) => this.logRing.recent(n),
      onLog: (fn) => this.logRing.listen(fn),
    }, this.log.child("control"));
    await this.#control.start();
  }

  /** Push the new head to this node's children in the plan rooted at the change's origin;
   * announce once those pushes were tried (peers may fetch from a bare remote we just fed). */
  async #onHead(kind: "local" | "merge", source: string | undefined): Promise<void> {
    this.#origin = kind === "local" || !source ? this.node : this.#nodeOf(source);
    const sha = await this.repo.head(); // what these pushes deliver (or newer): announced after them
    await Promise.all(this.#pusher.nudge(this.planTargets(this.#origin)));
    // Paused means not syncing: an announcement would send peers to fetch what we hold back.
    if (!this.paused) this.#signaling?.announce(sha ?? undefined);
  }

  /** A refs/remotes namespace is a peer's node id (it pushed in) or a remote's name (a fetch). */
  #nodeOf(namespace: string): string {
    const remote = this.remotes.find((r) => r.name === namespace);
    return remote ? remoteNode(remote) : namespace;
  }

  /** This agent's own map adverts: its remotes as edges, offline while pushes to them fail. */
  ownAdverts(): NetworkMapAdvert[] {
    const time = Date.now();
    this.#mapSeq = Math.max(this.#mapSeq + 1, time);
    return ownAdverts(this.node, this.#repoId, this.remotes, new Set(Object.keys(this.#retrier.queue)), this.#mapSeq, time);
  }

  /** Our parent in the plan rooted at `origin`, when the map knows both. */
  planParent(origin: string): { node: string; passive: boolean } | null {
    const adverts = [...this.peerAdverts.values(), ...this.ownAdverts()];
    const graph = graphFromAdverts(adverts);
    if (!graph.nodes.includes(origin) || !graph.nodes.includes(this.node)) return null;
    const parent = minCostArborescence({ nodes: graph.nodes, edges: graph.edges, root: origin }).parent[this.node];
    return parent === undefined ? null : { node: parent, passive: adverts.some((a) => a.node === parent && a.passive === true) };
  }

  /** Remote names to push to for a change that came from `origin`, cheapest first. */
  planTargets(origin: string): string[] {
    const adverts = [...this.peerAdverts.values(), ...this.ownAdverts()];
    return pushTargets(adverts, this.node, origin, this.remotes);
  }

  #isRemovable(r: ResolvedRemote): boolean {
    return r.path !== undefined && (r.removable ?? isRemovablePath(r.path));
  }

  /** A removable remote came back: sync with it both ways now, then announce. */
  async #onDriveAppeared(path: string): Promise<void> {
    const r = this.remotes.find((x) => x.path === path);
    if (!r) return;
    const t0 = performance.now();
    this.log.info("drive-appeared", { remote: r.name, path });
    const fresh = await resolveRemote(r, this.repo.dir);
    this.#pusher.setRemotes(this.remotes.map((x) => (x.name === r.name ? fresh : x)));
    await this.fetch(fresh, "drive appeared");
    await this.mergeNow();
    await Promise.all(this.#pusher.nudge([r.name], true));
    this.#signaling?.announce();
    this.log.info("drive-synced", { remote: r.name, ms: Math.round(performance.now() - t0) });
  }

  async #lock(): Promise<void> {
    const pidFile = join(this.heraldDir, "agent.pid");
    const old = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    if (old && old !== process.pid && pidAlive(old)) {
      throw new HeraldError("AGENT_RUNNING", `an agent is already running for ${this.repo.dir} (pid ${old}); stop it with: herald stop`, { pid: old });
    }
    await writeFile(pidFile, `${process.pid}\n`);
  }

  async #onLocalRefs(): Promise<void> {
    const { sha: head, branch } = await this.repo.headState().catch(() => ({ sha: null, branch: null }));
    const moving = this.#merger.advancing;
    if (!head || !branch || head === this.#merger.lastHead || (moving && (head === moving.from || head === moving.to))) return;
    this.#merger.lastHead = head;
    this.log.info("commit", { ref: branch, sha: head });
    this.events.emit("commit", { ref: branch, sha: head });
    this.#localBranch = branch;
    this.#localBurst.event();
    this.#mergeLoop.nudge(); // incoming heads that were blocked may merge now
  }

  #sendLocalHead(): void {
    const sha = this.#merger.lastHead;
    if (sha && this.#localBranch) this.events.emit("head", { ref: this.#localBranch, sha, origin: "local" });
  }

  async #mergePass(): Promise<void> {
    const outcome = await this.#merger.pass();
    if (outcome === "retry") this.#mergeLoop.nudge();
    if (outcome === "blocked") this.#scheduleBlockedRetry();
    else if (outcome !== "retry") this.#blockedAttempt = 0;
  }

  /** Uncommitted edits stand in the way: look again later, backing off (1 s … retry interval). */
  #scheduleBlockedRetry(): void {
    if (this.#blockedTimer) return;
    const wait = Math.min(this.config.retryIntervalMs, 1000 * 2 ** this.#blockedAttempt++);
    this.#blockedTimer = setTimeout(() => { this.#blockedTimer = null; this.#mergeLoop.nudge(); }, wait);
  }

  /** Fetch the branch from a remote into refs/remotes/<remote>/<branch> (never forced, no tags). */
  async fetch(remote: ResolvedRemote, reason: string): Promise<boolean> {
    const branch = await this.repo.currentBranch();
    if (!branch) return false;
    const short = branch.slice("refs/heads/".length);
    try {
      await this.repo.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote.name, `${branch}:refs/remotes/${remote.name}/${short}`]);
      this.events.emit("fetched", { remote: remote.name, reason });
      return true;
    } catch (e) {
      this.log.warn("fetch-failed", { remote: remote.name, reason, error: (e as Error).message });
      return false;
    }
  }

  /** Merge incoming heads now and wait for the pass (used by the sync command and tests). */
  async mergeNow(): Promise<void> {
    this.#mergeLoop.nudge();
    await this.#mergeLoop.idle();
  }

  /** Fetch from every remote, merge, push to every remote; report per remote. */
  async sync(): Promise<RemoteSyncReport[]> {
    const remotes = this.remotes;
    const fetched = await Promise.all(remotes.map((r) => this.fetch(r, "sync")));
    await this.mergeNow();
    await Promise.all(this.#pusher.nudge(remotes.map((r) => r.name), true));
    return remotes.map((r, i) => {
      const failure = this.#retrier.queue[r.name];
      return { remote: r.name, fetched: fetched[i]!, pushed: !failure, ...(failure ? { error: failure.error } : {}) };
    });
  }

  pause(): void { this.paused = true; this.log.info("paused"); void this.#updatePresence(); }
  resume(): void {
    this.paused = false;
    this.log.info("resumed");
    void this.#updatePresence();
    this.#mergeLoop.nudge();
    void this.#pusher.nudge();
  }

  async status(): Promise<AgentStatus> {
    // HEAD and the tracking refs are read once, not once per remote.
    const [{ branch, sha: head }, conflicts, known] = await Promise.all([this.repo.headState(), this.conflicts.list(), this.repo.refs("refs/remotes/")]);
    return {
      node: this.node, repo: this.repo.dir, branch, head, paused: this.paused,
      remotes: await Promise.all(this.remotes.map(async (r) => ({ name: r.name, kind: r.kind, ...(r.node ? { node: r.node } : {}), ...(await this.#aheadBehind(r, branch, head, known)) }))),
      retries: this.#retrier.queue,
      // Open = not marked resolved and some variant file is still in the tree (another clone may
      // have settled it; its commit removed the variants here too).
      conflicts: conflicts.filter((c) => !c.resolved && c.variants.some((v) => v.file !== c.path && existsSync(join(this.repo.dir, v.file)))).length,
      xmpp: this.#signaling ? { ...this.#signaling.stats } : null,
    };
  }

  get signaling(): Signaling | null { return this.#signaling; }

  /** Commits HEAD has that the remote's last known state lacks, and the other way round. */
  async #aheadBehind(r: ResolvedRemote, branch: string | null, head: string | null, known: Map<string, string>): Promise<{ ahead?: number; behind?: number }> {
    if (!branch || !head) return {};
    // What this remote last took from us is the surest sign of "in sync".
    if (this.#pusher.lastPushed(r.name) === head) return { ahead: 0, behind: 0 };
    const short = branch.slice("refs/heads/".length);
    // A bare repository on a local path (a drive, a server's directory) is read as it is now:
    // another clone may have fed it (the plan routes pushes), and our tracking ref is then stale.
    const there = r.kind === "bare" && r.path ? await new RefFiles(r.path).resolve(branch).catch(() => undefined) : undefined;
    const ref = [r.node && `refs/remotes/${r.node}/${short}`, `refs/remotes/${r.name}/${short}`].find((x) => x && known.has(x));
    const theirs = there && (await this.repo.hasCommit(there)) ? there : ref ? known.get(ref) : undefined;
    if (!theirs) return {};
    if (theirs === head) return { ahead: 0, behind: 0 };
    const out = await this.repo.tryRun(["rev-list", "--left-right", "--count", `${head}...${theirs}`]);
    const [ahead, behind] = (out ?? "").trim().split(/\s+/).map(Number);
    return Number.isFinite(ahead) && Number.isFinite(behind) ? { ahead: ahead!, behind: behind! } : {};
  }


  async #updatePresence(): Promise<void> {
    if (!this.#signaling?.session.online) return;
    const s = await this.status();
    await this.#signaling.session.setPresence({ status: presenceText(s, this.#mergeLoop.busy), ...(s.paused ? { show: "away" as const } : {}) });
  }

  /** Resolves when no merge or push is running or pending. */
  async idle(): Promise<void> {
    do {
      await this.#mergeLoop.idle();
      await this.#pusher.idle();
      await this.#hooks?.idle();
    } while (this.#mergeLoop.busy);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#mounts?.stop();
    await this.#control?.stop();
    await this.#signaling?.stop();
    if (this.#blockedTimer) clearTimeout(this.#blockedTimer);
    this.#settle.stop();
    this.#localBurst.stop();
    await this.#refWatcher.stop();
    await this.#committer?.stop();
    await this.#localLoop.stop();
    await this.#mergeLoop.stop();
    await Promise.all([...this.#headRuns]);
    await this.#pusher.idle();
    await this.#retrier.stop();
    await this.#hooks?.idle();
    await rm(join(this.heraldDir, "agent.pid"), { force: true });
    this.repo.close();
    this.log.info("stopped");
  }
}
