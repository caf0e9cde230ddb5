// Pusher: sends the checked-out branch to every remote in parallel, one push in flight per remote,
// later nudges coalesced into one more push. Never --force. A push rejected because a shared bare
// remote moved is answered the way git-annex's pushToRemotes does: fetch, merge, push again.
// Other failures go to the retry queue after a short p-retry backoff.
import pRetry from "p-retry";
import type { AgentEmitter } from "../agent-events.js";
import { GitCommandError, NetworkTimeoutError, PushRejectedError } from "../errors.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import type { RemoteSet } from "./remote-set.js";
import { pushOptions, pushTarget, type ResolvedRemote } from "./remotes.js";
import type { TransferGate } from "./transfer-gate.js";
import type { SendState } from "./burst.js";
import { remoteRefLocked, removeStaleRemoteLock, STALE_MS } from "../git/stale-ref-lock.js";
import type { ReceiveHooks } from "../git/receive-hooks.js";

export interface PusherDeps {
  repo: GitRepo;
  node: string;
  remotes: RemoteSet;
  events: AgentEmitter;
  log: Logger;
  /** fetch the remote, merge what it has; resolves when the merge pass is done */
  fetchAndMerge: (remote: ResolvedRemote, reason: string) => Promise<void>;
  /** `refused`: the remote answered and turned the push down (busy, not away); `sha`: what failed to go */
  onFailure: (remote: string, error: string, refused: boolean, sha: string) => void;
  onSuccess: (remote: string) => void;
  isPaused: () => boolean;
  /** Limits every push obeys (concurrency, transfers per minute, bytes per second). */
  gate?: TransferGate;
  /** options for a push into a peer on this machine (git/receive-hooks.ts) */
  receiveHooks?: ReceiveHooks;
  /** what our record of a peer's branch holds, or held when the merger emptied it (PeerRecords) */
  lastHeld: (ref: string) => Promise<string | undefined>;
}

/** git's receive-pack refusing a push into a non-bare repository's checked-out branch. */
const CHECKED_OUT = /refusing to update checked out branch|branch is currently checked out/;
const CHECKED_OUT_REASON = "branch is checked out there";
const NON_FAST_FORWARD = "non-fast-forward";
const REJECTED = /\[rejected\]|Updates were rejected|non-fast-forward|fetch first|failed to update ref|cannot lock ref/;

export class Pusher {
  #inFlight = new Map<string, Promise<void>>();
  #again = new Set<string>();
  /** last sha each remote is known to have from us */
  #pushed = new Map<string, string>();
  /** pushes' recent duration, each new one weighing half */
  #pushMs: number | null = null;
  /** when the last push in flight ended (null before any) */
  #idleSince: number | null = null;

  constructor(private readonly d: PusherDeps) {}

  /** For the burst rule (burst.ts): a push on its way, how long one takes here lately (the rule
   * follows it: pacedBy), how long none has been on its way. */
  sendState(): SendState {
    const busy = this.#inFlight.size > 0;
    return { busy, ms: this.#pushMs, idleMs: busy ? 0 : this.#idleSince === null ? Infinity : Date.now() - this.#idleSince };
  }

  /** The last sha this remote took from us (null until a push succeeded). */
  lastPushed(name: string): string | null {
    return this.#pushed.get(name) ?? null;
  }

  /** Push to these remotes (all by default), cheapest-first order is the caller's choice. */
  nudge(names: string[] = this.d.remotes.names(), force = false): Promise<void>[] {
    return names.map((name) => {
      if (force) this.#pushed.delete(name);
      const running = this.#inFlight.get(name);
      if (running) {
        this.#again.add(name);
        return running;
      }
      const p = this.#loop(name).finally(() => {
        this.#inFlight.delete(name);
        if (!this.#inFlight.size) this.#idleSince = Date.now();
      });
      this.#inFlight.set(name, p);
      return p;
    });
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight.values()]);
  }

  async #loop(name: string): Promise<void> {
    do {
      this.#again.delete(name);
      try {
        await this.#pushOne(name);
      } catch (e) {
        this.d.log.error("loop-crashed", { loop: "pusher", remote: name, error: (e as Error).message });
      }
    } while (this.#again.has(name));
  }

  async #pushOne(name: string): Promise<void> {
    const { repo, log } = this.d;
    const found = this.d.remotes.get(name);
    if (!found || this.d.isPaused() || !this.d.remotes.available(found)) return;
    let remote: ResolvedRemote = found;
    const { branch, sha: head } = await repo.headState();
    if (!branch || !head) return;
    // The remote has our head already: a retry queued for it is done (without this, a retry that
    // found nothing to push stayed queued and came back at every backoff step: npm run chaos).
    if (this.#pushed.get(name) === head) return this.d.onSuccess(name);
    log.debug("push-start", { remote: name, sha: head, kind: remote.kind });
    // Who the remote is, asked again at most once per push: here when it was not reachable, or is
    // a clone no Herald served (until its Herald starts and says who it is); below when a push to
    // it failed (it may advertise a node by now).
    let asked = remote.kind === "unknown" || remote.unserved === true;
    if (asked) remote = (await this.d.remotes.refresh(name)) ?? remote;
    let sha = head;
    for (let round = 0; round < 3; round++) {
      sha = (await repo.head())!;
      // A peer that has our head already (it pushed it to us, or we fetched it from it; after a
      // refused push below, often the merge every clone folds the same way) needs no push.
      if (remote.kind === "peer" && remote.node && (await this.#remoteHas(remote, branch, sha))) {
        this.#pushed.set(name, sha);
        if (round) log.info("push-unneeded", { remote: name, ref: branch, sha, why: "its branch has our head" });
        return this.d.onSuccess(name);
      }
      const kind = remote.kind === "unknown" ? "bare" : remote.kind;
      const target = pushTarget(kind, this.d.node, branch);
      const t0 = performance.now();
      try {
        if (remote.kind === "unknown") throw new GitCommandError(["push", name], null, `remote ${name} is not reachable (${remote.url})${remote.unreachable ? `: ${remote.unreachable}` : ""}`);
        const to = remote;
        await pRetry(() => this.#push(to, sha, target), {
          retries: 2, minTimeout: 100, factor: 3,
          // A peer's refusal as a non-fast-forward is answered below (fetch, merge, push again),
          // not by waiting here for the peer to empty its record.
          // A locked ref is usually another push's transaction of a few milliseconds.
          // A push the watchdog killed is not tried again at once: the link is likely down, and
          // each try would wait out herald.networkTimeout; the retry queue comes back for it.
          // Nor one to a network remote that did not answer at all: another try at once opens a
          // connection that waits for the same dead link, and status learns of the failure only
          // after the last (npm run bench -- --only=wan: a push in flight at a cut went on 32 s).
          shouldRetry: ({ error }) => (error instanceof PushRejectedError ? error.reason === "locked" || (kind === "peer" && error.reason !== NON_FAST_FORWARD) : !(error instanceof NetworkTimeoutError) && to.path !== undefined),
        });
        this.#pushed.set(name, sha);
        this.d.onSuccess(name);
        const ms = Math.round(performance.now() - t0);
        this.#pushMs = this.#pushMs === null ? ms : (this.#pushMs + ms) / 2;
        log.info("pushed", { remote: name, ref: branch, sha, target, ms });
        this.d.events.emit("pushed", { ref: branch, sha, remote: name, target });
        return;
      } catch (e) {
        if (e instanceof PushRejectedError && e.reason === "locked") {
          if (round < 2 && remote.path && (await removeStaleRemoteLock(remote.path, kind === "bare", target, log))) continue;
          const error = `${name} refused the push: its ${target} is locked by a git still running there, or left locked by one that was killed (then remove ${target}.lock in that repository; Herald does it by itself for a remote on this machine once the lock is ${STALE_MS / 1000} s old)`;
          return this.#failed(name, branch, sha, error, true);
        }
        if (e instanceof PushRejectedError && e.reason === CHECKED_OUT_REASON) {
          // A non-bare clone taken for a bare repository (a network remote that advertises no
          // node): never pushed its checked-out branch again; it gets what a peer gets.
          remote = (await this.d.remotes.checkedOut(name)) ?? remote;
          asked = true;
          if (remote.node) log.info("remote-is-a-clone", { remote: name, advertises: remote.node });
          else log.warn("remote-is-a-clone", { remote: name, advertises: null, note: "no Herald serves it: pushes go to its refs/remotes, where nobody merges them (herald status)" });
          if (remote.kind === "peer") continue;
        }
        if (!asked && !(e instanceof PushRejectedError) && !(e instanceof NetworkTimeoutError) && remote.path === undefined && !remote.advertised?.length) {
          asked = true;
          const fresh = await this.d.remotes.refresh(name);
          if (fresh && (fresh.kind !== remote.kind || fresh.node !== remote.node)) {
            log.info("remote-resolved", { remote: name, kind: fresh.kind, advertises: fresh.node ?? null });
            remote = fresh;
            continue;
          }
        }
        // A bare remote others push to moved on: fetch, merge, push again. A peer refusing a
        // non-fast-forward into its record of us: only we write that record (our pushes, its
        // fetches from us), so it holds a Herald merge of ours that HEAD has left behind (reset
        // --keep), never work we lack. Waiting for the peer to empty it cost a storm its backoff
        // (up to 30 s) at every refusal; fetching its branch and merging is what a bare remote gets.
        if (e instanceof PushRejectedError && (kind === "bare" || (kind === "peer" && e.reason === NON_FAST_FORWARD && remote.node))) {
          log.info("push-rejected", { remote: name, ref: branch, reason: e.reason, action: "fetch, merge, push again" });
          await this.d.fetchAndMerge(remote, kind === "bare" ? "non-fast-forward" : "push refused: the peer's record of us holds a merge we left behind");
          continue;
        }
        return this.#failed(name, branch, sha, (e as Error).message, e instanceof PushRejectedError);
      }
    }
    // Still refused after three merges: recorded, so the retrier comes back and status says so
    // (it used to end here silently: npm run chaos, star7).
    this.#failed(name, branch, sha, `push to ${name} still rejected as non-fast-forward after fetching and merging three times`, true);
  }

  #failed(name: string, branch: string, sha: string, error: string, refused: boolean): void {
    this.d.log.warn("push-failed", { remote: name, ref: branch, sha, error });
    this.d.onFailure(name, error, refused, sha);
    this.d.events.emit("push-failed", { ref: branch, sha, remote: name, error });
  }

  async #push(to: ResolvedRemote, sha: string, target: string): Promise<void> {
    const remote = to.name;
    const hooks = (await this.d.receiveHooks?.forRemote(to)) ?? [];
    const args = [...pushOptions(to), "push", ...hooks, "--porcelain", "--quiet", to.name, `${sha}:${target}`];
    const bytes = this.d.gate?.measuresBytes ? await this.#bytesToSend(remote, sha) : 0;
    const release = this.d.gate ? await this.d.gate.acquire(bytes, (ms, why) => this.d.log.info("transfer-waiting", { remote, ms, limit: why })) : () => undefined;
    const r = await this.d.repo.execRemote(remote, to.url, args).finally(release);
    if (r.code === 0) return;
    // All of it: --porcelain puts "[rejected] (fetch first)" on stdout, and an error's message
    // keeps only the last lines of stderr (hints), not the "Updates were rejected" line.
    const all = `${r.stdout}\n${r.stderr}`;
    const refused = remoteRefLocked(all) ? "locked" : CHECKED_OUT.test(all) ? CHECKED_OUT_REASON : REJECTED.test(all) ? (/fetch first|non-fast-forward/.test(all) ? NON_FAST_FORWARD : "rejected") : null;
    if (refused) {
      // Every refusal, the ones tried again at once included: what a storm's pushes cost.
      this.d.log.debug("push-refused", { remote, target, sha, reason: refused });
      throw new PushRejectedError(remote, target, refused);
    }
    throw new GitCommandError(args, r.code, r.stderr || r.stdout);
  }

  /** Roughly how much a push will send: the objects the remote's known refs do not have. */
  async #bytesToSend(remote: string, sha: string): Promise<number> {
    const r = this.d.remotes.get(remote);
    const globs = [`--glob=refs/remotes/${remote}/*`, ...(r?.node ? [`--glob=refs/remotes/${r.node}/*`] : [])];
    const out = await this.d.repo.tryRun(["rev-list", "--objects", "--disk-usage", sha, "--not", ...globs]);
    return Number(out?.trim()) || 0;
  }

  /** What the peer pushed to us last, or what we fetched from it last, contains `head`. */
  async #remoteHas(remote: ResolvedRemote, branch: string, head: string): Promise<boolean> {
    for (const node of new Set([remote.node, remote.name])) if (node && (await this.#peerHas(node, branch, head))) return true;
    return false;
  }

  /** What the peer last pushed to us already contains `head`: it has it, no push needed. */
  async #peerHas(peerNode: string, branch: string, head: string): Promise<boolean> {
    const short = branch.replace(/^refs\/heads\//, "");
    const ref = `refs/remotes/${peerNode}/${short}`;
    const theirs = await this.d.lastHeld(ref);
    if (theirs === undefined) return false;
    if (theirs === head) return true;
    // Usually the peer's last push is older than HEAD (HEAD's parent, often): then it lacks HEAD,
    // and asking the other way round would walk the whole history.
    if ((await this.d.repo.reaches(head, theirs)) === true) return false;
    return this.d.repo.isAncestor(head, theirs);
  }
}
