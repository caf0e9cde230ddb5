// Local commits: the ref watcher says refs/heads moved; one look at HEAD per burst of events
// (one commit fires several: the .lock created, written, renamed). A new HEAD that is not the
// merger's own move is the user's commit: it is pushed at once when it follows a quiet spell
// (or the pushes went idle a while ago), and a burst of them (a script, a rebase) once the burst
// pauses (sync/burst.ts).
import type { AgentEmitter } from "../agent-events.js";
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { Batcher, CoalescingLoop } from "../nudge.js";
import type { BurstRule, SendState } from "../sync/burst.js";
import type { HeadTracker } from "../sync/head-tracker.js";

export class LocalCommits {
  #loop: CoalescingLoop;
  #burst: Batcher;
  #branch = "";

  constructor(private readonly repo: GitRepo, private readonly heads: HeadTracker, private readonly events: AgentEmitter,
    private readonly onCommit: () => void, burst: BurstRule, private readonly log: Logger, sends?: () => SendState) {
    this.#loop = new CoalescingLoop("ref-watcher", () => this.#look(), log);
    this.#burst = new Batcher(burst, () => this.#send(), sends);
  }

  /** refs/heads changed. */
  changed(): void { this.#loop.nudge(); }

  async #look(): Promise<void> {
    const { sha, branch } = await this.repo.headState().catch(() => ({ sha: null, branch: null }));
    if (!sha || !branch || !this.heads.isLocalCommit(sha)) return;
    this.log.info("commit", { ref: branch, sha });
    this.events.emit("commit", { ref: branch, sha });
    this.#branch = branch;
    this.#burst.event();
    this.onCommit();
  }

  #send(): void {
    const sha = this.heads.last;
    if (sha && this.#branch) this.events.emit("head", { ref: this.#branch, sha, origin: "local" });
  }

  async stop(): Promise<void> {
    this.#burst.stop();
    await this.#loop.stop();
  }
}
