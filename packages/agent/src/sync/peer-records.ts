// Our records of peers' branches: refs/remotes/<peer>/<branch>, which the peer pushes into and our
// fetches write. The one rule for emptying one lives here. Like `git fetch --prune`, emptying
// drops only our record of a peer's branch, never a commit: it happens only when HEAD holds
// what the record held. The delete is a compare-and-swap (tracking-refs.ts, git
// update-ref's <oldvalue>): a push that landed meanwhile is kept.
//
// Why empty at all: a peer may leave one of its Herald merges behind (advance-head.ts: `reset
// --keep` onto the same user commits merged in canonical order), and git refuses to move a ref
// off a commit the new value does not contain. While our record holds that merge, every push of
// the peer into it and every fetch of ours into it fails as a non-fast-forward.
import { isRefName } from "@herald/protocol";
import { GitCommandError } from "../errors.js";
import { userFrontier } from "../git/merge-heads.js";
import { dropTrackingRef, dropTrackingRefs } from "../git/tracking-refs.js";
import { removeStaleRecordLock } from "../git/stale-ref-lock.js";
import { isHeraldMerge } from "../git/merge-commit.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";

export interface PeerRecordsDeps {
  repo: GitRepo;
  log: Logger;
  /** A bare remote's record: its branch only moves forward, and the merger keeps its tip whole. */
  isBare: (ref: string) => boolean;
  /** An emptied record held `sha` (tests watch the emptying through it). */
  onEmptied?: (ref: string, sha: string) => void;
}

export class PeerRecords {
  /** What each record held when it was last emptied: its owner has that, and pushed it. */
  #lastEmptied = new Map<string, string>();
  constructor(private readonly d: PeerRecordsDeps) {}

  isBare(ref: string): boolean {
    return this.d.isBare(ref);
  }

  /**
   * After a merge pass left HEAD holding the work of every record in `records`: empty those that
   * hold a Herald merge. A record holding a user commit stays: no agent ever leaves a user commit
   * behind, so its owner's later heads descend from it.
   */
  async emptyMerged(records: Array<[string, string]>): Promise<void> {
    const held: Array<[string, string]> = [];
    for (const [ref, sha] of records) {
      if (this.isBare(ref)) continue;
      const c = await this.d.repo.commit(sha).catch(() => null);
      if (c && isHeraldMerge(c)) held.push([ref, sha]);
    }
    // A mesh's merge pass empties a record per peer: one git for all, else one by one.
    if (held.length > 1 && (await dropTrackingRefs(this.d.repo, held).catch(() => false))) {
      for (const [ref, sha] of held) this.#emptied(ref, sha, "merged", "debug");
      return;
    }
    for (const [ref, sha] of held) await this.#empty(ref, sha, "merged", "debug");
  }

  /** A fetch into `ref` (holding `held`) was refused as a non-fast-forward: empty it if HEAD
   * holds what it holds. "moved": a push changed it meanwhile (the delete is a compare-and-swap). */
  async emptyIfHeadHolds(ref: string, held: string): Promise<"emptied" | "moved" | "kept"> {
    if (!(await this.#headHolds(held))) return "kept";
    return (await this.#empty(ref, held, "fetch refused as non-fast-forward; HEAD has what it held")) ? "emptied" : "moved";
  }

  async held(ref: string): Promise<string | undefined> {
    return (await this.d.repo.refs(ref)).get(ref);
  }

  /** What the record holds, or held when it was last emptied: the last head its peer is known to
   * have (the pusher need not send it back), and what tells that the peer pushed lately. One ref
   * read (the pusher asks on every push), and only a valid name under refs/remotes/: a node id
   * from the network map never becomes a path otherwise. */
  async lastHeld(ref: string): Promise<string | undefined> {
    if (!ref.startsWith("refs/remotes/") || !isRefName(ref)) return undefined;
    return (await this.held(ref)) ?? this.#lastEmptied.get(ref);
  }

  /** HEAD has `sha`, or all the user work of it (a Herald merge: merge-heads.ts). */
  async #headHolds(sha: string): Promise<boolean> {
    const { repo } = this.d;
    const head = await repo.head();
    if (!head) return false;
    if (await repo.isAncestor(sha, head)) return true;
    for (const c of await userFrontier(repo, [sha])) if (!(await repo.isAncestor(c, head))) return false;
    return true;
  }

  async #empty(ref: string, sha: string, reason: string, level: "debug" | "info" = "info"): Promise<boolean> {
    if ((await this.#drop(ref, sha)) !== "dropped") return false; // a push moved it meanwhile
    this.#emptied(ref, sha, reason, level);
    return true;
  }

  #emptied(ref: string, sha: string, reason: string, level: "debug" | "info"): void {
    this.d.log[level]("record-emptied", { ref, sha, reason });
    this.#lastEmptied.set(ref, sha);
    this.d.onEmptied?.(ref, sha);
  }

  /** The compare-and-swap delete; a stale lock in its way (stale-ref-lock.ts) goes, once. */
  async #drop(ref: string, sha: string): Promise<"dropped" | "moved" | "failed"> {
    const { repo, log } = this.d;
    for (let attempt = 1; ; attempt++) {
      try {
        return await dropTrackingRef(repo, ref, sha);
      } catch (e) {
        const stderr = e instanceof GitCommandError ? e.stderr : "";
        if (attempt === 1 && (await removeStaleRecordLock(repo.gitDir, stderr, log))) continue;
        log.warn("record-not-emptied", { ref, sha, error: (e as Error).message });
        return "failed";
      }
    }
  }
}
