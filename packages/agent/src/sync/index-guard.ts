// Watches for an index written back from before our last move of the branch (git/stale-index.ts:
// a `git commit` that read the index, then met our move) and makes the move again in it, before
// the user's next commit would take the move undone. Woken by the index being written (the ref
// watcher sees git rename index.lock over it); it looks only while HEAD is where our last move
// left it, so an idle agent does nothing.
import { redoUndoneMove } from "../git/stale-index.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { CoalescingLoop } from "../nudge.js";

export class IndexGuard {
  #last: { from: string; to: string } | null = null;
  /** a move of ours under way: its own index writes are not looked at (the index is at the new
   * commit before HEAD is, and may hold the last move's old entries then) */
  #moving = false;
  #loop: CoalescingLoop;

  /** `redone`: the index holds the move again (a merge held back by it may go now). */
  constructor(private readonly repo: GitRepo, private readonly log: Logger, private readonly redone: () => void) {
    this.#loop = new CoalescingLoop("index-guard", () => this.#look(), log);
  }

  /** Our merger begins to move the branch. */
  begin(): void {
    this.#moving = true;
  }

  /** Our merger's move ended: `done`, it moved the branch from `from` to `to`. A look at once: a
   * commit's write may have landed while we moved, its event passed over then. */
  end(done: { from: string; to: string } | null): void {
    this.#moving = false;
    if (done) this.#last = done;
    if (this.#last) this.#loop.nudge();
  }

  /** The index was written (by anyone). */
  indexChanged(): void {
    if (this.#last && !this.#moving) this.#loop.nudge();
  }

  async #look(): Promise<void> {
    const last = this.#last;
    if (!last || this.#moving) return;
    const outcome = await redoUndoneMove(this.repo, last.from, last.to, () => !this.#moving).catch((e: Error) => {
      // Usually the user's git holding index.lock: its write wakes us again.
      this.log.debug("index-guard-failed", { error: e.message });
      return "fine" as const;
    });
    if (outcome === "moved-on" && this.#last === last) this.#last = null;
    if (outcome !== "redone") return;
    this.log.warn("index-restored", {
      from: last.from, to: last.to,
      reason: "a git commit read the index before Herald moved the branch and wrote it back after (its commit then failed: HEAD had moved); the move is made again in the index, what was staged stays staged",
    });
    this.redone();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
