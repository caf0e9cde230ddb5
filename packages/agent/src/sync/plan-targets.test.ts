import type { NetworkMapAdvert } from "@herald/protocol";
import { ownAdverts, passiveNodeId, pushTargets, type PlannedRemote } from "./plan-targets.js";

const repo = "r";
const peer = (name: string, cost: number): PlannedRemote => ({ name, url: `/srv/${name}`, node: name, cost });
// a: b (1), c (5), d (20); b: a (1), d (1); c: a (5), d (5); d: a (20), b (1), c (5)
const remotesOf: Record<string, PlannedRemote[]> = {
  a: [peer("b", 1), peer("c", 5), peer("d", 20)],
  b: [peer("a", 1), peer("d", 1)],
  c: [peer("a", 5), peer("d", 5)],
  d: [peer("a", 20), peer("b", 1), peer("c", 5)],
};
const map = (failing: Record<string, string[]> = {}): NetworkMapAdvert[] =>
  Object.entries(remotesOf).flatMap(([n, rs]) => ownAdverts(n, repo, rs, new Set(failing[n] ?? []), 1, 0));

describe("pushTargets", () => {
  it("sends along the cheap route: a pushes to b and c, b relays to d, d sends nothing", () => {
    expect(pushTargets(map(), "a", "a", remotesOf.a!)).toEqual(["b", "c"]);
    expect(pushTargets(map(), "b", "a", remotesOf.b!)).toEqual(["d"]);
    expect(pushTargets(map(), "c", "a", remotesOf.c!)).toEqual([]);
    expect(pushTargets(map(), "d", "a", remotesOf.d!)).toEqual([]);
  });
  it("routes around a link that is down", () => {
    const broken = map({ a: ["b"], d: ["b"] });
    expect(pushTargets(broken, "a", "a", remotesOf.a!)).toEqual(["c"]);
    expect(pushTargets(broken, "c", "a", remotesOf.c!)).toEqual(["d"]);
  });
  it("pushes everywhere, cheapest first, when there is no map", () => {
    expect(pushTargets([], "a", "a", remotesOf.a!)).toEqual(["b", "c", "d"]);
  });
  it("routes two LANs through a passive cloud repository", () => {
    const cloud: PlannedRemote = { name: "cloud", url: "https://example.org/r.git" };
    const lan1 = ownAdverts("a", repo, [cloud, peer("b", 1)], new Set(), 1, 0);
    const lan1b = ownAdverts("b", repo, [peer("a", 1)], new Set(), 1, 0);
    const lan2 = ownAdverts("x", repo, [cloud], new Set(), 1, 0);
    const adverts = [...lan1, ...lan1b, ...lan2];
    expect(pushTargets(adverts, "a", "a", [cloud, peer("b", 1)])).toEqual(["b", "cloud"]);
    expect(adverts.find((a) => a.passive && a.by === "x")).toMatchObject({ node: passiveNodeId(cloud.url), edges: [{ to: "x" }] });
  });
});
