import type { AgentStatus } from "@herald/agent";
import { renderStatus } from "./status.js";

const base: AgentStatus = {
  node: "laptop", repo: "/r", branch: "refs/heads/main", head: "0123456789abcdef0123456789abcdef01234567", paused: false,
  remotes: [{ name: "desktop", kind: "peer", node: "desktop", ahead: 0, behind: 0 }], retries: {}, conflicts: 0, xmpp: null,
};

describe("renderStatus", () => {
  it("is short when all is well", () => {
    expect(renderStatus(base, 0)).toBe([
      "node laptop: main at 0123456789",
      "xmpp: off (git only: set herald.jid to announce commits)",
      "remote desktop (peer desktop): in sync",
      "conflicts: none",
    ].join("\n"));
  });
  it("says exactly what is wrong", () => {
    const out = renderStatus({
      ...base, paused: true, conflicts: 1,
      remotes: [{ name: "usb", kind: "bare", ahead: 2, behind: 0 }],
      retries: { usb: { firstFailure: new Date(2026, 0, 1, 7, 8, 9).getTime(), lastFailure: 0, attempts: 3, nextAt: 100_000, error: "no such file\nmore" } },
      xmpp: { online: false, announced: 0, heard: 0, dropped: { stranger: 2 }, lastIn: null, lastOut: { sha: "a".repeat(40), at: new Date(10_000).toISOString() }, peersSeen: [], publisherMissing: true },
    }, 70_000);
    expect(out).toContain("[PAUSED: herald resume]");
    expect(out).toContain("xmpp: not connected; peers seen: none yet");
    expect(out).toContain("last announced: aaaaaaaaaa 60 s ago");
    expect(out).toContain("dropped: 2 stranger");
    expect(out).toContain("xmpp: announcements ignored: the server does not stamp publishers (see herald doctor)");
    expect(out).toContain("remote usb (bare): ahead 2, behind 0; unreachable since 07:08:09: no such file (next try in 30 s)");
    const since = new Date(2026, 0, 1, 7, 8, 9).getTime();
    const stalled = renderStatus({ ...base, remotes: [{ name: "desktop", kind: "peer", stalled: { command: "push", since } }] }, since + 11_400);
    expect(stalled).toContain("remote desktop (peer): not seen yet; unreachable since 07:08:09: git push has had no answer for 11 s");
    expect(out).toContain("conflicts: 1 (herald conflicts)");
  });
  it("warns under a remote whose node is wrong or never heard from, and names a clone without Herald", () => {
    const warning = "herald-node 'desktop' names no node Herald has heard of; the clone there advertises 'desktop-3fa2c1' (remove the setting)";
    const out = renderStatus({ ...base, remotes: [{ name: "desktop", kind: "peer", node: "desktop", warning, ahead: 0, behind: 0 }, { name: "far", kind: "peer", unserved: true }] }, 0).split("\n");
    expect(out.slice(2, 5)).toEqual([
      "remote desktop (peer desktop): in sync",
      `  WARNING: remote desktop: ${warning}`,
      "remote far (clone without Herald): not seen yet",
    ]);
  });
  it("says why the clone cannot move while the user's edits hold a merge back", () => {
    const out = renderStatus({ ...base, blocked: { sha: "b".repeat(40), files: ["notes/a.txt", "b.txt", "c.txt", "d.txt"] } }, 0);
    expect(out.split("\n")[1]).toBe("BLOCKED: cannot merge bbbbbbbbbb: uncommitted changes in notes/a.txt, b.txt, c.txt and 1 more; commit them (Herald keeps both versions) and this clone syncs again");
    expect(renderStatus(base, 0)).not.toContain("BLOCKED");
    // The remote whose commit waits is behind, and says why.
    const held = renderStatus({ ...base, remotes: [{ name: "laptop", kind: "peer", ahead: 0, behind: 1 }], blocked: { sha: "b".repeat(40), files: ["a.txt"] } }, 0);
    expect(held).toContain("remote laptop (peer): ahead 0, behind 1 (held back: BLOCKED above)");
  });
  it("names each peer's tip herald.verify keeps out: the commit, its author and why", () => {
    const refused = [{ ref: "refs/remotes/a/main", tip: "c".repeat(40), commit: "d".repeat(40), author: "Eve <eve@example.org>", reason: "unknown-key" as const, detail: "signed with SHA256:xyz that is not in herald.allowedSigners", failing: 1 }];
    const out = renderStatus({ ...base, refused }, 0).split("\n");
    expect(out[out.length - 1]).toBe("REFUSED (herald.verify): refs/remotes/a/main at cccccccccc not merged: dddddddddd by Eve <eve@example.org>: unknown-key (signed with SHA256:xyz that is not in herald.allowedSigners)");
    expect(renderStatus(base, 0)).not.toContain("REFUSED");
  });
});
