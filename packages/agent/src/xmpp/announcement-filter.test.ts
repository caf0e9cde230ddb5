import { announcementToElement, type CommitAnnouncement } from "@herald/protocol";
import { xml } from "@xmpp/client";
import { judgeItem, type FilterContext } from "./announcement-filter.js";

const repo = "0123456789abcdef0123456789abcdef01234567";
const a: CommitAnnouncement = { repo, ref: "refs/heads/main", sha: "a".repeat(40), prev: null, node: "laptop", seq: 5, time: 1_700_000_000_000 };
const ctx: FilterContext = { repo, self: "desktop", peers: new Set(["laptop@example.org"]), branch: "refs/heads/main", lastSeq: new Map([["laptop", 4]]) };
const item = (over: Partial<CommitAnnouncement> = {}, publisher: string | null = "laptop@example.org/herald") => ({
  node: `herald/${repo}`, id: "refs/heads/main", payload: announcementToElement({ ...a, ...over }), ...(publisher ? { publisher } : {}),
});

describe("judgeItem", () => {
  it("acts on a fresh announcement from an allow-listed peer", () => {
    expect(judgeItem(item(), ctx)).toEqual({ action: "act", announcement: a, publisher: "laptop@example.org" });
  });
  it.each([
    ["no publisher stamped by the server", item({}, null), "no-publisher"],
    ["a stranger", item({}, "mallory@example.org/x"), "stranger"],
    ["another repository", item({ repo: "f".repeat(40) }), "other-repo"],
    ["a replayed sequence number", item({ seq: 4 }), "replay"],
  ])("drops %s", (_what, it, reason) => {
    expect(judgeItem(it, ctx)).toMatchObject({ action: "drop", reason });
  });
  it("drops a malformed or hostile payload", () => {
    const hostile = { node: "n", id: "x", publisher: "laptop@example.org", payload: xml("announce", { xmlns: "urn:herald:0", version: "1", repo, ref: "--upload-pack=x", sha: "a".repeat(40), node: "laptop", seq: "9", time: "2026-01-01T00:00:00Z" }) };
    expect(judgeItem(hostile, ctx)).toMatchObject({ action: "drop", reason: "malformed" });
    expect(judgeItem({ node: "n", id: "x", publisher: "laptop@example.org" }, ctx)).toMatchObject({ action: "drop", reason: "malformed" });
  });
  it("ignores items its own account published, without counting them as a stranger's", () => {
    expect(judgeItem(item({}, "desktop@example.org/herald"), { ...ctx, selfJid: "desktop@example.org" })).toEqual({ action: "ignore", reason: "own" });
  });
  it("ignores its own announcements and other branches", () => {
    expect(judgeItem(item({ node: "desktop" }), ctx)).toEqual({ action: "ignore", reason: "own" });
    expect(judgeItem(item({ ref: "refs/heads/dev" }), ctx)).toEqual({ action: "ignore", reason: "other-branch" });
  });
  it("treats an already-seen item read during catch-up as old, not as an attack", () => {
    expect(judgeItem(item({ seq: 4 }), ctx, true)).toEqual({ action: "ignore", reason: "old" });
  });
  it("matches publishers case-insensitively on the bare JID", () => {
    expect(judgeItem(item({}, "Laptop@Example.org/res"), ctx).action).toBe("act");
  });
});
