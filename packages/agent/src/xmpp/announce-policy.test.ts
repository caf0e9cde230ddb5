import type { NetworkMapAdvert } from "@herald/protocol";
import { announceDecision, announceMerge, fetchesThrough, HeardHeads } from "./announce-policy.js";

const A = "a".repeat(40), B = "b".repeat(40);

describe("announceDecision", () => {
  it("announces a head nobody announced: at once when it relays it, after a wait for its maker's announcement when not", () => {
    expect(announceDecision({ sha: A, lastAnnounced: null, heard: false, relay: true })).toBe("announce");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false })).toBe("wait-for-announcer");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false, waited: true })).toBe("announce");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: false, waited: true })).toBe("heard-from-announcer");
  });
  it("stays quiet about a head another clone announced when nobody gets it from us", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: false })).toBe("heard-from-announcer");
  });
  it("announces a heard head it relays: the clones behind it may not reach the announcer", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: true })).toBe("announce");
  });
  it("announces a head whose branch left the one it announced last, though nobody waits on it", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: false, leftLast: true })).toBe("announce");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false, leftLast: true })).toBe("announce");
  });
  it("stays quiet about a Herald merge its pushes carry to every clone, without waiting, unless its branch left what it announced", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false, mergePushed: true })).toBe("merge-pushed");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false, mergePushed: true, leftLast: true })).toBe("announce");
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: true, mergePushed: true })).toBe("announce");
  });
  it("never announces the same head twice in a row", () => {
    expect(announceDecision({ sha: A, lastAnnounced: A, heard: false, relay: true })).toBe("already-announced");
  });
});

describe("HeardHeads", () => {
  it("remembers who announced the latest shas and forgets the oldest beyond its limit", () => {
    const h = new HeardHeads(2);
    h.add(A, "n1");
    h.add(B, "n2");
    h.add(A, "n3"); // heard again: now the newest
    h.add("c".repeat(40), "n1");
    expect(h.by(A)).toBe("n3");
    expect(h.by(B)).toBeUndefined();
    expect(h.by("c".repeat(40))).toBe("n1");
  });
});

describe("fetchesThrough", () => {
  const advert = (node: string, to: string[], passive = false): NetworkMapAdvert =>
    ({ repo: "r", node, seq: 1, time: 0, edges: to.map((t) => ({ to: t, cost: 1, online: true })), ...(passive ? { passive, by: "x" } : {}) });
  const hub = "bare-123456789abc";

  it("is false around a bare hub: nobody has us as a remote", () => {
    expect(fetchesThrough([advert("n1", [hub]), advert("n2", [hub]), advert("n3", [hub]), advert(hub, ["n2"], true)], "n2", "n1")).toBe(false);
  });
  it("is true when a clone has us as a remote and not the announcer", () => {
    expect(fetchesThrough([advert("n1", [hub]), advert("n2", [hub]), advert("n3", ["n2"])], "n2", "n1")).toBe(true);
  });
  it("is false in a mesh: whoever has us as a remote has the announcer too", () => {
    expect(fetchesThrough([advert("n1", ["n2", "n3"]), advert("n2", ["n1", "n3"]), advert("n3", ["n1", "n2"])], "n2", "n1")).toBe(false);
  });
  it("is false along a line once our push gave the head to the clone behind us", () => {
    const line = [advert("n1", ["n2"]), advert("n2", ["n1", "n3"]), advert("n3", ["n2"])];
    expect(fetchesThrough(line, "n2", "n1")).toBe(true);
    expect(fetchesThrough(line, "n2", "n1", ["n3"])).toBe(false);
    // n4, at the end of a longer line, got it from n3, which has n4 as a remote and not n1: n3 has
    // the head, it fetches nothing through n4
    const longer = [...line.slice(0, 2), advert("n3", ["n2", "n4"]), advert("n4", ["n3"])];
    expect(fetchesThrough(longer, "n4", "n1")).toBe(true);
    expect(fetchesThrough(longer, "n4", "n1", ["n3"])).toBe(false);
  });
  it("counts neither the announcer, nor us, nor a passive node", () => {
    expect(fetchesThrough([advert("n1", ["n2"]), advert("n2", ["n2"]), advert(hub, ["n2"], true)], "n2", "n1")).toBe(false);
  });  it("for a head we made (no announcer): any clone with us as a remote that our push did not reach", () => {
    const ring = [advert("n1", ["n2", "n4"]), advert("n2", ["n1", "n3"]), advert("n3", ["n2", "n4"]), advert("n4", ["n3", "n1"])];
    expect(fetchesThrough(ring, "n2", null, ["n1", "n3"])).toBe(false);
    expect(fetchesThrough(ring, "n2", null, ["n1"])).toBe(true);
    expect(fetchesThrough([advert("n1", [hub]), advert("n2", [hub]), advert(hub, ["n2"], true)], "n2", null)).toBe(false);
  });
});

describe("announceMerge", () => {
  it("a merge pushed only to agents, that nobody fetches through us, goes unannounced", () => {
    expect(announceMerge({ toPassive: false, fetchedThrough: false })).toBe(false);
  });
  it("one pushed to a bare remote, or one a clone fetches through us, is announced", () => {
    expect(announceMerge({ toPassive: true, fetchedThrough: false })).toBe(true);
    expect(announceMerge({ toPassive: false, fetchedThrough: true })).toBe(true);
  });
});
