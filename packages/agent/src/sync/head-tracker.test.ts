import { HeadTracker } from "./head-tracker.js";

describe("HeadTracker", () => {
  it("takes a new HEAD for a local commit once, and the settled HEAD never", () => {
    const t = new HeadTracker();
    t.settled("a");
    expect(t.isLocalCommit("a")).toBe(false);
    expect(t.isLocalCommit("b")).toBe(true);
    expect(t.isLocalCommit("b")).toBe(false);
    expect(t.last).toBe("b");
  });

  it("does not take the merger's own move (either end) for a local commit", () => {
    const t = new HeadTracker();
    t.settled("a");
    t.moving("a", "m");
    expect(t.isLocalCommit("m")).toBe(false);
    t.moved();
    t.settled("m");
    expect(t.isLocalCommit("m")).toBe(false);
    expect(t.isLocalCommit("c")).toBe(true);
  });

  it("after the move ends, the move's target is a commit again unless settled", () => {
    const t = new HeadTracker();
    t.settled("a");
    t.moving("a", "m");
    t.moved();
    expect(t.isLocalCommit("m")).toBe(true);
  });
});
