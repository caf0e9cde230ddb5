// The machine's presence per XMPP login: paused, syncing, conflicts to settle, or in sync at a
// head (status.ts presenceText), from the status of the repositories on that login. One pass at a
// time, asks meanwhile collapsing into one more: a merge records each of its conflicts as an
// event that asks. A pass reads only HEAD and the open conflicts, not the full status (a git
// rev-list per remote): npm run bench -- --only=storm, ring 8 with XMPP, a CPU profile of every
// agent: a full status per conflict took 81 of the 595 s their threads were busy. The session
// sends a presence only when it changed: the server passes each one on to every peer.
import type { RepoEngine } from "../engine/engine.js";
import type { Logger } from "../log.js";
import { CoalescingLoop } from "../nudge.js";
import { presenceText } from "../status.js";
import type { XmppHub } from "../xmpp/xmpp-hub.js";

export class PresenceUpdates {
  #loop: CoalescingLoop;

  constructor(private readonly hub: XmppHub, private readonly engines: () => RepoEngine[], log: Logger) {
    this.#loop = new CoalescingLoop("presence", () => this.#send(), log);
  }

  /** Resolves once a pass that began after this ask is done. */
  update(): Promise<void> {
    this.#loop.nudge();
    return this.#loop.idle();
  }

  async #send(): Promise<void> {
    const known = new Map(await Promise.all(this.engines().map(async (e) => [e.channel, { engine: e, status: await e.presenceState().catch(() => null) }] as const)));
    await this.hub.setPresence((channels) => {
      const mine = channels.flatMap((c) => known.get(c) ?? []);
      const allPaused = mine.length > 0 && mine.every((m) => m.engine.paused);
      const conflicts = mine.reduce((n, m) => n + (m.status?.conflicts ?? 0), 0);
      const head = mine.length === 1 ? (mine[0]!.status?.head ?? null) : null;
      const text = mine.length === 1 || allPaused || conflicts ? presenceText({ paused: allPaused, conflicts, head }, mine.some((m) => m.engine.busy))
        : mine.some((m) => m.engine.busy) ? "syncing" : `in sync (${mine.length} repositories)`;
      return { status: text, ...(allPaused ? { show: "away" as const } : {}) };
    }).catch(() => undefined);
  }

  stop(): Promise<void> { return this.#loop.stop(); }
}
