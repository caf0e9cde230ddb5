import { fetchPlan, MISSED_FETCH_ATTEMPTS, missedFetchDelay, parentRelayed, PLAN_GRACE_MS, planHops, superseded } from "./fetch-policy.js";
import { passiveNodeId } from "./plan-targets.js";

const remotes = [
  { name: "hub", url: "/srv/hub.git", path: "/srv/hub.git" },
  { name: "b", url: "/home/b", node: "b" },
  { name: "c", url: "/home/c", node: "c" },
];
const hub = passiveNodeId("/srv/hub.git");

describe("fetchPlan", () => {
  it("without a plan: the announcer's remote first, then the others, at once", () => {
    expect(fetchPlan("c", null, remotes)).toEqual({ graceMs: 0, order: ["c", "hub", "b"] });
  });

  it("a planned agent parent other than the announcer gets the grace time to push", () => {
    expect(fetchPlan("c", { node: "b", passive: false }, remotes)).toEqual({ graceMs: PLAN_GRACE_MS, order: ["c", "hub", "b"] });
  });

  it("a commit several hops away gets a grace for each push between (a ring relays it clone by clone)", () => {
    expect(fetchPlan("c", { node: "b", passive: false, hops: 2 }, remotes).graceMs).toBe(PLAN_GRACE_MS);
    expect(fetchPlan("c", { node: "b", passive: false, hops: 4 }, remotes).graceMs).toBe(3 * PLAN_GRACE_MS);
    expect(fetchPlan("c", { node: hub, passive: true, hops: 4 }, remotes).graceMs).toBe(0);
  });

  it("counts the pushes from the announcer to us along the plan", () => {
    const ring = { c2: "c1", c3: "c2", c4: "c3", c8: "c1", c7: "c8", c6: "c7", c5: "c4" }; // rooted at c1
    expect(planHops(ring, "c2", "c1")).toBe(1);
    expect(planHops(ring, "c5", "c1")).toBe(4);
    expect(planHops(ring, "c6", "c1")).toBe(3);
    expect(planHops({ a: "b", b: "a" }, "a", "root")).toBeLessThanOrEqual(3); // a cycle ends
  });

  it("no wait when the parent is the announcer itself", () => {
    expect(fetchPlan("b", { node: "b", passive: false }, remotes).graceMs).toBe(0);
  });

  it("a passive parent is fetched from first, at once", () => {
    expect(fetchPlan("c", { node: hub, passive: true }, remotes)).toEqual({ graceMs: 0, order: ["hub", "b", "c"] });
  });

  it("an announcer with no remote here: every remote, in configured order", () => {
    expect(fetchPlan("stranger-node", null, remotes).order).toEqual(["hub", "b", "c"]);
  });
});

describe("missedFetchDelay", () => {
  it("doubles from 1 s, caps at 5 min, then gives up", () => {
    expect([0, 1, 2, 3].map(missedFetchDelay)).toEqual([1000, 2000, 4000, 8000]);
    expect(missedFetchDelay(9)).toBe(300_000);
    expect(missedFetchDelay(MISSED_FETCH_ATTEMPTS - 1)).toBe(300_000);
    expect(missedFetchDelay(MISSED_FETCH_ATTEMPTS)).toBeNull();
    expect(missedFetchDelay(-1)).toBeNull();
  });
});

describe("superseded", () => {
  it("when a fetch from the announcer's own clone worked", () => {
    expect(superseded("b", remotes, { b: true, c: true, hub: false })).toBe(true);
  });
  it("not when only others were fetched, or the announcer's fetch failed, or it is no remote of ours", () => {
    expect(superseded("b", remotes, { c: true, hub: true })).toBe(false);
    expect(superseded("b", remotes, { b: false, c: true })).toBe(false);
    expect(superseded("z", remotes, { b: true, c: true, hub: true })).toBe(false);
  });
});

describe("parentRelayed", () => {
  const [a, b] = ["a".repeat(40), "b".repeat(40)];
  it("a record that holds a new commit, or holds one where there was none, is a push", () => {
    expect(parentRelayed(a, b)).toBe(true);
    expect(parentRelayed(undefined, a)).toBe(true);
  });
  it("a record unchanged, or emptied by our merger, is silence", () => {
    expect(parentRelayed(a, a)).toBe(false);
    expect(parentRelayed(a, undefined)).toBe(false);
    expect(parentRelayed(undefined, undefined)).toBe(false);
  });
});
