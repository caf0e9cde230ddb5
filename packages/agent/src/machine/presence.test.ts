import type { RepoEngine } from "../engine/engine.js";
import { silentLogger } from "../log.js";
import type { XmppHub } from "../xmpp/xmpp-hub.js";
import type { RepoChannel } from "../xmpp/repo-channel.js";
import { PresenceUpdates } from "./presence.js";

/** One repository on one login; its status takes a moment, as reading git does. */
function rig(conflicts: () => number) {
  const channel = {} as RepoChannel;
  let statuses = 0;
  const sent: string[] = [];
  const engine = {
    channel, paused: false, busy: false,
    presenceState: async () => { statuses++; await new Promise((r) => setTimeout(r, 20)); return { head: "a".repeat(40), conflicts: conflicts(), paused: false }; },
  } as unknown as RepoEngine;
  const hub = { setPresence: async (p: (cs: RepoChannel[]) => { status?: string }) => { sent.push(p([channel]).status ?? ""); } } as unknown as XmppHub;
  return { presence: new PresenceUpdates(hub, () => [engine], silentLogger), statuses: () => statuses, sent };
}

describe("PresenceUpdates", () => {
  it("a burst of asks (a merge's conflicts, one event each) reads the status twice, not once per ask", async () => {
    let n = 0;
    const { presence, statuses, sent } = rig(() => n);
    const asks = Array.from({ length: 10 }, () => { n++; return presence.update(); });
    await Promise.all(asks);
    expect(statuses()).toBe(2);
    expect(sent.at(-1)).toBe("10 conflicts to settle"); // the last pass saw the last conflict
  });

  it("an ask resolves after a pass that began after it", async () => {
    let n = 0;
    const { presence, sent } = rig(() => n);
    const first = presence.update();
    n = 3;
    await presence.update();
    await first;
    expect(sent.at(-1)).toBe("3 conflicts to settle");
  });
});
