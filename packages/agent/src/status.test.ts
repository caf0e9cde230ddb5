import { presenceText, statusLine, statusText, type AgentStatus } from "./status.js";

const base: AgentStatus = {
  node: "laptop", repo: "/r", branch: "refs/heads/main", head: "0123456789abcdef0123456789abcdef01234567", paused: false,
  remotes: [], retries: {}, conflicts: 0, xmpp: null,
};

describe("statusText", () => {
  it("says branch, head, xmpp, retries and conflicts", () => {
    const at = new Date(2026, 11, 6, 9, 5, 7).getTime(); // local time
    const s = statusText({ ...base, paused: true, conflicts: 2, retries: { usb: { firstFailure: at, lastFailure: at, attempts: 1, nextAt: at + 61_000, error: "\nHost key verification failed.\nfatal: Could not read from remote repository." } },
      xmpp: { online: true, announced: 1, heard: 2, dropped: {}, lastIn: null, lastOut: null, peersSeen: ["desktop"], publisherMissing: false } }, at + 1_000);
    expect(s).toBe("laptop: main at 0123456789, PAUSED\nxmpp: online; peers seen: desktop\nremote usb: unreachable since 09:05:07: Host key verification failed. (next try in 60 s)\nconflicts: 2 (see herald conflicts)");
    expect(statusText(base, 0)).toContain("pending retries: none");
  });
  it("tells a remote that refused the push from one that did not answer, in the daemon's list too", () => {
    const at = new Date(2026, 11, 6, 23, 59, 1).getTime();
    const retries = { hub: { firstFailure: at, lastFailure: at + 5000, attempts: 2, nextAt: at + 9000, error: "rejected", refused: true }, usb: { firstFailure: at, lastFailure: at, attempts: 1, nextAt: at, error: "gone" } };
    expect(statusText({ ...base, retries }, at + 5000)).toContain("remote hub: push refused since 23:59:01: rejected (next try in 4 s)");
    expect(statusLine({ ...base, retries })).toContain("hub refusing pushes since 23:59:01, usb unreachable since 23:59:01");
  });
  it("says once that announcements are ignored when the server does not stamp publishers", () => {
    const xmpp = { online: true, announced: 0, heard: 0, dropped: { "no-publisher": 7 }, lastIn: null, lastOut: null, peersSeen: [], publisherMissing: true };
    expect(statusText({ ...base, xmpp }, 0).split("\n").filter((l) => l.includes("announcements ignored"))).toEqual(["xmpp: announcements ignored: the server does not stamp publishers (see herald doctor)"]);
    expect(statusLine({ ...base, xmpp })).toContain("xmpp online (announcements ignored: the server does not stamp publishers (see herald doctor))");
    expect(statusLine({ ...base, xmpp: { ...xmpp, publisherMissing: false } })).not.toContain("ignored");
  });
  it("carries remote warnings: a line each in the chat reply, a count in the daemon's list", () => {
    const remotes = [{ name: "desktop", kind: "peer", node: "desktop", warning: "herald-node 'desktop' names no node Herald has heard of" }];
    expect(statusText({ ...base, remotes }, 0).split("\n")).toContain("warning: remote desktop: herald-node 'desktop' names no node Herald has heard of");
    expect(statusLine({ ...base, remotes })).toContain("1 remote warning (herald status --repo /r)");
    expect(statusLine(base)).not.toContain("warning");
  });
  it("says when XMPP is off", () => {
    expect(statusText(base, 0)).toContain("xmpp: off (git-only)");
  });
});

describe("presenceText", () => {
  it("puts paused first, then syncing, then conflicts", () => {
    expect(presenceText({ ...base, paused: true, conflicts: 3 }, true)).toBe("paused");
    expect(presenceText({ ...base, conflicts: 3 }, true)).toBe("syncing");
    expect(presenceText({ ...base, conflicts: 1 }, false)).toBe("1 conflict to settle");
    expect(presenceText(base, false)).toBe("in sync at 0123456");
  });
});
