import { announceDecision, HeardHeads } from "./announce-policy.js";

const A = "a".repeat(40), B = "b".repeat(40);

describe("announceDecision", () => {
  it("announces a head nobody announced, relayed or not", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: false, relay: false })).toBe("announce");
    expect(announceDecision({ sha: A, lastAnnounced: null, heard: false, relay: true })).toBe("announce");
  });
  it("stays quiet about a head another clone announced when nobody gets it from us", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: false })).toBe("heard-from-announcer");
  });
  it("announces a heard head it relays: the clones behind it may not reach the announcer", () => {
    expect(announceDecision({ sha: A, lastAnnounced: B, heard: true, relay: true })).toBe("announce");
  });
  it("never announces the same head twice in a row", () => {
    expect(announceDecision({ sha: A, lastAnnounced: A, heard: false, relay: true })).toBe("already-announced");
  });
});

describe("HeardHeads", () => {
  it("remembers the latest shas and forgets the oldest beyond its limit", () => {
    const h = new HeardHeads(2);
    h.add(A);
    h.add(B);
    h.add(A); // seen again: now the newest
    h.add("c".repeat(40));
    expect(h.has(A)).toBe(true);
    expect(h.has(B)).toBe(false);
    expect(h.has("c".repeat(40))).toBe(true);
  });
});
