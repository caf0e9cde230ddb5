// Merger: brings what peers pushed in (or fetches brought) into the checked-out branch, then lets
// the pusher pass it on (relaying A–B–C). Runs as a coalescing loop: a burst of incoming refs
// becomes one merge of every new head at once.
import type { AgentEmitter } from "../agent-events.js";
import { advanceHead } from "../git/advance-head.js";
import { parseConflictTrailer, parseSettlementTrailer } from "../git/conflict-trailer.js";
import type { ResolvedConflict } from "../git/keep-both.js";
import { FoldSuperseded, mergeHeads, userFrontier, type KnownMerges } from "../git/merge-heads.js";
import { keptCommits, releaseKept } from "../git/kept-commits.js";
import { HERALD_IDENTITY, type GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import type { BlockedMerge } from "./blocking-files.js";
import { blockingFiles } from "./blocking-files.js";
import type { ConflictStore } from "./conflict-store.js";
import type { HeadTracker } from "./head-tracker.js";
import type { PeerRecords } from "./peer-records.js";
import { FoldNews } from "./fold-news.js";

export interface MergerDeps {
  repo: GitRepo;
  events: AgentEmitter;
  log: Logger;
  conflicts: ConflictStore;
  /** Told of every move of HEAD the merger makes, so it is not taken for a local commit. */
  heads: HeadTracker;
  now: () => Date;
  /** Commit local edits first (autocommit on); false when autocommit is off. */
  commitLocalChanges: () => Promise<boolean>;
  isPaused: () => boolean;
  /** Our records of peers' branches: which are bare remotes', and emptying those merged. */
  records: PeerRecords;
  /** herald.verify: the incoming tips that may be merged (the others stay where they are). */
  trusted?: (tips: Array<[string, string]>, head: string) => Promise<Array<[string, string]>>;
}

export type MergeOutcome = "up-to-date" | "advanced" | "retry" | "blocked" | "paused" | "no-branch";

/** Folds given up in a row for newer heads before one is finished whatever comes in: in a relay
 * (a ring, a line) a node that never finishes a fold passes nothing on. */
const MAX_GIVEN_UP = 2;
/** Merge steps remembered across passes (a step is a function of its two parents). */
const KNOWN_MAX = 512;

/** Pure: the incoming tips for `branch` among remote-tracking refs (`refs/remotes/<x>/<branch>`), as [ref, sha]. */
export function incomingTipRefs(refs: Map<string, string>, branch: string): Array<[string, string]> {
  const short = branch.replace(/^refs\/heads\//, "");
  const out: Array<[string, string]> = [];
  for (const [name, sha] of refs) {
    const rest = name.slice("refs/remotes/".length);
    const slash = rest.indexOf("/");
    if (slash > 0 && rest.slice(slash + 1) === short) out.push([name, sha]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

export class Merger {
  /** The pending merge the user's uncommitted changes hold back (null once HEAD can move). */
  blocked: (BlockedMerge & { from: string }) | null = null;
  /** Herald merges seen or made lately, by their parents: a fold made again takes their steps. */
  #known: KnownMerges = new Map();
  #givenUp = 0;
  /** The conflict records of the merges made so far, written one merge after the other. */
  #recorded: Promise<void> = Promise.resolve();

  constructor(private readonly d: MergerDeps) {}

  /** `nudged`: whether the merge loop was nudged since the pass began; then a fold whose heads
   * newer work replaced is given up between steps (fold-news.ts). */
  async pass(nudged?: () => boolean): Promise<MergeOutcome> {
    if (this.d.isPaused()) return "paused";
    const { branch, sha: head } = await this.d.repo.headState();
    if (!branch || !head) return "no-branch";
    const incoming = incomingTipRefs(await this.d.repo.refs("refs/remotes/"), branch);
    const tipRefs = this.d.trusted ? await this.d.trusted(incoming, head) : incoming;
    // The user's own commits a move of HEAD stepped over (kept-commits.ts): local work, so not
    // subject to herald.verify, which judges what peers send.
    const kept = await keptCommits(this.d.repo);
    const outcome = await this.#merge(branch, head, [...tipRefs, ...kept], nudged);
    if (outcome === "up-to-date" || outcome === "advanced") {
      this.blocked = null;
      await this.d.records.emptyMerged(tipRefs);
      await releaseKept(this.d.repo, kept);
    }
    return outcome;
  }

  /** Brings every incoming tip into `branch` (at `head`): a fast-forward or one Herald merge. */
  async #merge(branch: string, head: string, tipRefs: Array<[string, string]>, nudged?: () => boolean): Promise<MergeOutcome> {
    const { repo, log } = this.d;
    const tips = [...new Set(tipRefs.map(([, sha]) => sha))].filter((t) => t !== head).sort();
    if (tips.length === 0) return "up-to-date";
    const heads = await repo.independent([head, ...tips]);
    if (heads.length === 1 && heads[0] === head) return "up-to-date";
    const t0 = performance.now();
    // A bare remote's tip is kept whole (merge-heads.ts): its branch cannot move off it.
    const kept = new Set(tipRefs.filter(([ref]) => this.d.records.isBare(ref)).map(([, sha]) => sha));
    const known = this.#known;
    const frontier = heads.length === 1 ? heads : await userFrontier(repo, heads, kept, known);
    const news = nudged && this.#givenUp < MAX_GIVEN_UP
      ? new FoldNews(repo, head, tips, frontier, async () => incomingTipRefs(await repo.refs("refs/remotes/"), branch).map(([, sha]) => sha), nudged)
      : null;
    let merged;
    try {
      merged = frontier.length === 1 ? { commit: frontier[0]!, conflicts: [] as ResolvedConflict[] } : await mergeHeads(repo, frontier, known, { made: known, ...(news ? { superseded: () => news.newer() } : {}) });
    } catch (e) {
      if (!(e instanceof FoldSuperseded)) throw e;
      this.#givenUp++;
      log.debug("merge-superseded", { heads: frontier.length, stepsDone: e.stepsDone, reason: "newer heads came in while folding: folded again with them" });
      return "retry";
    } finally {
      for (const k of known.keys()) if (known.size > KNOWN_MAX) known.delete(k); else break;
    }
    this.#givenUp = 0;
    const mergeMs = Math.round(performance.now() - t0); // the rest of `ms` is moving HEAD and the work tree
    if (merged.withoutRenames) log.warn("merged-without-renames", { steps: merged.withoutRenames, reason: "git merge-tree failed on these heads (a bug in git's merge-ort); merged without rename detection, both sides kept" });
    if (merged.exactSides) log.info("merged-exact-sides", { steps: merged.exactSides, reason: "git merge-tree's conflicting versions were its own merge attempts (renames colliding, nested conflicts), or the heads have more than one merge base (a criss-cross, where merge-tree's virtual base can hide a side's change); merged from the two tips against one real base, so each side is kept exactly as it was written" });
    if (merged.commit === head) return "up-to-date";
    // While HEAD moves, the ref watcher must not take our own update for a local commit.
    this.d.heads.moving(head, merged.commit);
    // One independent head that is not ours is a descendant of HEAD: a fast-forward, known already.
    const fastForward = heads.length === 1 || frontier.includes(head);
    const outcome = await advanceHead(repo, branch, head, merged.commit, fastForward).finally(() => this.d.heads.moved());
    if (outcome === "blocked-by-local-changes" && (await this.d.commitLocalChanges())) return "retry";
    if (outcome === "head-moved") return "retry";
    if (outcome === "busy") {
      log.info("merge-deferred", { reason: "another git process holds a lock in .git (index.lock, HEAD.lock, ORIG_HEAD.lock); will try again", sha: merged.commit });
      return "blocked";
    }
    if (outcome === "blocked-by-local-changes") {
      this.blocked = { from: head, sha: merged.commit, files: await blockingFiles(repo, head, merged.commit) };
      log.warn("merge-blocked", { reason: "uncommitted changes in files the merge would touch; will try again", sha: merged.commit, files: this.blocked.files });
      return "blocked";
    }
    this.d.heads.settled(merged.commit);
    const ms = Math.round(performance.now() - t0);
    // HEAD first (the pusher starts at once), then the conflict records, which only people read.
    const source = tipRefs.find(([, sha]) => sha === merged.commit)?.[0].split("/")[2];
    this.d.events.emit("head", { ref: branch, sha: merged.commit, origin: "merge", ...(source ? { source } : {}) });
    // The records are written behind the next pass, in order: reading the merges' messages took
    // a storm's nodes 1–2 s per pass (two `git log`s on a saturated machine), and the next fold
    // waited on them.
    const recorded = this.#recorded.then(async () => {
      const conflicts = await this.#recordConflicts(head, merged.commit);
      log.info("merged", { ref: branch, sha: merged.commit, from: head, heads: heads.length, fastForward: heads.length === 1 && frontier.length === 1, conflicts: conflicts.length, reused: merged.reused ?? 0, mergeMs, ms });
      this.d.events.emit("merged", { ref: branch, sha: merged.commit, from: head, heads, conflicts });
      for (const c of conflicts) this.d.events.emit("conflict", { ref: branch, sha: merged.commit, conflict: c });
    });
    this.#recorded = recorded.catch((e) => log.error("conflicts-not-recorded", { sha: merged.commit, error: (e as Error).message }));
    // Stepped over a commit the user made meanwhile: it waits in a kept ref; merge it in now.
    return outcome === "stepped-over" ? "retry" : "advanced";
  }

  /** Resolves once the conflicts of every merge made so far are recorded (and "merged" told). */
  recorded(): Promise<void> {
    return this.#recorded;
  }

  /** Conflicts resolved by Herald merges between `from` and `to`, whoever made them; and the
   * settlements (`herald conflicts resolve` on any clone) among those commits. */
  async #recordConflicts(from: string, to: string): Promise<ResolvedConflict[]> {
    const { repo } = this.d;
    // A plain run of commits (the usual fast-forward) holds no merge, so no conflict record; its
    // messages (from the cat-file process, no git call) may hold settlements.
    const run = await repo.linearRun(from, to);
    if (run) {
      for (const sha of run.reverse()) await this.#settle((await repo.commit(sha).catch(() => null))?.message ?? "");
      return [];
    }
    const found = await this.#recordMerges(from, to);
    const settled = await repo.run(["log", "--reverse", "--no-merges", "--grep=^herald-settled: ", "--format=%B%x00", `${from}..${to}`, "--"]);
    for (const message of settled.split("\0")) await this.#settle(message);
    return found;
  }

  async #settle(message: string): Promise<void> {
    for (const s of parseSettlementTrailer(message)) {
      const n = await this.d.conflicts.markResolved(s.path, s.keep, this.d.now(), s.merges);
      if (n) this.d.log.info("conflict-settled", { path: s.path, keep: s.keep, records: n });
    }
  }

  async #recordMerges(from: string, to: string): Promise<ResolvedConflict[]> {
    const out = await this.d.repo.run(["log", "--merges", `--author=${HERALD_IDENTITY.email}`, "--format=%H%x00%B%x00", `${from}..${to}`, "--"]);
    const parts = out.split("\0");
    const fresh: ResolvedConflict[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const sha = parts[i]!.trim();
      const found = parseConflictTrailer(parts[i + 1]!);
      if (found.length) fresh.push(...(await this.d.conflicts.add(sha, found, this.d.now())));
    }
    return fresh;
  }
}
