// The one fetch-merge-push pipeline. Every path that syncs runs it, each with the stages it needs:
//   herald sync / chat sync   fetch all (parallel), merge, push all again, announce
//   a drive plugged in        fetch it, merge, push it again, announce
//   an announcement           fetch in the planned order until the commit is here, merge
//   a push refused (bare)     fetch that remote, merge (the pusher then pushes again)
//   a new HEAD (local/merge)  push to the plan's children, announce what they delivered
//   retries                   push again
// Fetches are never forced and fetch no tags; pushes never force either (pusher.ts).
import type { AgentEmitter } from "../agent-events.js";
import { GitCommandError } from "../errors.js";
import { NO_AUTO_MAINTENANCE, type AutoMaintenance } from "../git/auto-maintenance.js";
import type { GitRepo } from "../git/repo.js";
import { removeStaleRecordLock } from "../git/stale-ref-lock.js";
import type { Logger } from "../log.js";
import type { PeerRecords } from "../sync/peer-records.js";
import type { Pusher } from "../sync/pusher.js";
import { fetchOptions, type ResolvedRemote } from "../sync/remotes.js";
import type { MergeScheduler } from "./merge-scheduler.js";
import type { AnnounceOptions } from "../xmpp/announce-policy.js";

export interface SyncJob {
  reason: string;
  /** `until`: one remote after another, stopping once this commit is here; else all at once. */
  fetch?: { from: ResolvedRemote[]; until?: string };
  merge?: boolean;
  /** `again`: push even where the last push of this HEAD succeeded (a drive, herald sync). */
  push?: { to: string[]; again?: boolean };
  /** true: HEAD as it is then; a sha: the head these pushes delivered. */
  announce?: boolean | string;
  /** false: no clone waits for our word on this head (none gets it from us, or our pushes gave it
   * to each), so a head another clone announced is not announced again (xmpp/announce-policy.ts).
   * Default true. */
  relay?: boolean;
  /** clones known to have this head (the one it came from, those our pushes gave it to): they wait
   * for no announcement of it */
  holders?: string[];
  /** a Herald merge our pushes carry to every clone: announced only where the branch left the
   * head announced last (xmpp/announce-policy.ts announceMerge) */
  mergePushed?: boolean;
}

export interface SyncOutcome {
  fetched: Record<string, boolean>;
  /** with fetch.until: the remote that had the commit (null: none had it; the job stopped there) */
  foundAt?: string | null;
}

export interface PipelineDeps {
  repo: GitRepo;
  events: AgentEmitter;
  log: Logger;
  merges: MergeScheduler;
  pusher: Pusher;
  records: PeerRecords;
  announce: (sha: string | undefined, o: AnnounceOptions) => void;
  isPaused: () => boolean;
  /** git's own upkeep, run once after a burst of fetches instead of after each (git/auto-maintenance.ts) */
  maintenance?: AutoMaintenance;
}

/** git's words for a ref that changed while it was being updated (refs.c: lock_raw_ref, ref_transaction). */
const REF_RACE = /cannot lock ref|but expected|unable to resolve reference|\.lock': File exists/;

export class SyncPipeline {
  constructor(private readonly d: PipelineDeps) {}

  async run(job: SyncJob): Promise<SyncOutcome> {
    const out: SyncOutcome = { fetched: {} };
    if (job.fetch) {
      const { from, until } = job.fetch;
      if (until === undefined) {
        const ok = await Promise.all(from.map((r) => this.fetch(r, job.reason)));
        from.forEach((r, i) => (out.fetched[r.name] = ok[i]!));
      } else {
        out.foundAt = null;
        for (const r of from) {
          out.fetched[r.name] = await this.fetch(r, job.reason);
          if (await this.d.repo.hasCommit(until)) { out.foundAt = r.name; break; }
        }
        if (out.foundAt === null) return out;
      }
    }
    if (job.merge) await this.d.merges.now();
    if (job.push) await Promise.all(this.d.pusher.nudge(job.push.to, job.push.again ?? false));
    // Paused means not syncing: an announcement would send peers to fetch what we hold back.
    if (job.announce && !this.d.isPaused()) this.d.announce(typeof job.announce === "string" ? job.announce : undefined, { relay: job.relay ?? true, holders: job.holders ?? [], mergePushed: job.mergePushed ?? false });
    return out;
  }

  /** Fetch the branch from a remote into refs/remotes/<remote>/<branch> (never forced, no tags). */
  async fetch(remote: ResolvedRemote, reason: string): Promise<boolean> {
    const branch = await this.d.repo.currentBranch();
    if (!branch) return false;
    const short = branch.slice("refs/heads/".length);
    // The tracking ref may move under the fetch: the peer pushes into it, or the merger empties
    // it. git then keeps the objects but not the ref ("cannot lock ref"), and the merger, which
    // reads refs only, would never see the commit (found by npm run chaos). Fetch again.
    const ref = `refs/remotes/${remote.name}/${short}`;
    const before = await this.d.records.held(ref);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.d.repo.runRemote(remote.name, remote.url, [...NO_AUTO_MAINTENANCE, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", ...fetchOptions(remote), remote.name, `${branch}:${ref}`]);
        // Only a fetch that brought something leaves objects to pack (the record moved).
        if ((await this.d.records.held(ref)) !== before) this.d.maintenance?.fetched();
        this.d.events.emit("fetched", { remote: remote.name, reason });
        return true;
      } catch (e) {
        if (attempt < 3 && e instanceof GitCommandError && (await removeStaleRecordLock(this.d.repo.gitDir, e.stderr, this.d.log))) continue;
        if (attempt < 3 && e instanceof GitCommandError && REF_RACE.test(e.stderr)) continue;
        // Refused as a non-fast-forward: our record of the remote holds a commit its branch has
        // left (a Herald merge it replaced). git stores the objects but not the ref, and the
        // merger, which reads refs, never sees the commit (npm run chaos: an announced commit sat
        // unmerged). A record HEAD already contains carries nothing: empty it, fetch again.
        if (attempt < 3 && (await this.#dropMergedRecord(ref))) continue;
        this.d.log.warn("fetch-failed", { remote: remote.name, reason, error: (e as Error).message });
        return false;
      }
    }
  }

  /** Empties `ref` when HEAD holds what it holds (peer-records.ts); else merges first and asks
   * again (the merger itself empties a record holding a merge once merged). True: fetch again. */
  async #dropMergedRecord(ref: string): Promise<boolean> {
    const { records } = this.d;
    const held = await records.held(ref);
    if (!held) return false;
    if ((await records.emptyIfHeadHolds(ref, held)) !== "kept") return true;
    await this.d.merges.now();
    if ((await records.held(ref)) !== held) return true; // emptied (or moved) by the merge pass
    return (await records.emptyIfHeadHolds(ref, held)) !== "kept";
  }
}
