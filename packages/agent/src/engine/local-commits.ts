// Local commits: the ref watcher says refs/heads moved; one look at HEAD per burst of events
// (one commit fires several: the .lock created, written, renamed). A new HEAD that is not the
// merger's own move is the user's commit: it is pushed at once unless the push of the one before
// is still in flight, and then (only the newest) when that push ends (sync/burst.ts).
import type { AgentEmitter } from "../agent-events.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { CoalescingLoop, NagleSender } from "../nudge.js";
import type { HeadTracker } from "../sync/head-tracker.js";

export class LocalCommits {
  #loop: CoalescingLoop;
  #sender: NagleSender;
  #branch = "";

  constructor(private readonly repo: GitRepo, private readonly heads: HeadTracker, private readonly events: AgentEmitter,
    private readonly onCommit: () => void, private readonly sent: () => Promise<void>, private readonly log: Logger) {
    this.#loop = new CoalescingLoop("ref-watcher", () => this.#look(), log);
    this.#sender = new NagleSender(() => this.#send());
  }

  /** refs/heads changed. */
  changed(): void { this.#loop.nudge(); }

  async #look(): Promise<void> {
    const { sha, branch } = await this.repo.headState().catch(() => ({ sha: null, branch: null }));
    if (!sha || !branch || !this.heads.isLocalCommit(sha)) return;
    this.log.info("commit", { ref: branch, sha });
    this.events.emit("commit", { ref: branch, sha });
    this.#branch = branch;
    this.#sender.event();
    this.onCommit();
  }

  /** Resolves when the head's pushes have ended (head-router.ts). */
  #send(): Promise<void> {
    const sha = this.heads.last;
    if (!sha || !this.#branch) return Promise.resolve();
    this.events.emit("head", { ref: this.#branch, sha, origin: "local" });
    return this.sent();
  }

  async stop(): Promise<void> {
    this.#sender.stop();
    await this.#loop.stop();
  }
}
