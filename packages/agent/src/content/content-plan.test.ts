// The efficiency case of git-annex's doc/design/assistant/syncing/efficiency: laptops a and b on
// one LAN, c elsewhere, a cloud repository all three reach over expensive links.
import type { NetworkMapAdvert } from "@herald/protocol";
import { ownAdverts, passiveNodeId, type PlannedRemote } from "../sync/plan-targets.js";
import { contentSteps } from "./content-plan.js";

const cloudUrl = "/srv/cloud.git";
const cloud = passiveNodeId(cloudUrl);
const remotesOf: Record<string, PlannedRemote[]> = {
  a: [{ name: "b", url: "/b", node: "b", cost: 1 }, { name: "cloud", url: cloudUrl, cost: 200 }],
  b: [{ name: "a", url: "/a", node: "a", cost: 1 }, { name: "cloud", url: cloudUrl, cost: 200 }],
  c: [{ name: "cloud", url: cloudUrl, cost: 200 }],
};
const adverts: NetworkMapAdvert[] = Object.entries(remotesOf).flatMap(([n, rs]) => ownAdverts(n, "r", rs, new Set(), 1, 0));

describe("content steps along the plan", () => {
  it("the holder sends to its children only: b cheaply, the cloud once", () => {
    expect(contentSteps(adverts, "a", "a", remotesOf.a!, true)).toEqual([
      { direction: "to", remote: "b", cost: 1 }, { direction: "to", remote: "cloud", cost: 200 },
    ]);
  });

  it("b, a leaf under a, neither uploads to the cloud nor fetches", () => {
    expect(contentSteps(adverts, "b", "a", remotesOf.b!, true)).toEqual([]);
    expect(contentSteps(adverts, "b", "a", remotesOf.b!, false)).toEqual([]);
  });

  it("c, below the passive cloud, gets from it", () => {
    expect(contentSteps(adverts, "c", "a", remotesOf.c!, false)).toEqual([{ direction: "from", remote: "cloud", cost: 200 }]);
    expect(contentSteps(adverts, "c", cloud, remotesOf.c!, false)).toEqual([{ direction: "from", remote: "cloud", cost: 200 }]);
  });

  it("without a map, the holder sends to every remote, cheapest first", () => {
    expect(contentSteps([], "a", "a", [...remotesOf.a!].reverse(), true).map((s) => s.remote)).toEqual(["b", "cloud"]);
  });
  it("off the plan (the map does not reach us from the origin), the holder sends to every remote", () => {
    const own = ownAdverts("b", "r", remotesOf.b!, new Set(), 1, 0);
    expect(contentSteps(own, "b", "a", remotesOf.b!, true).map((s) => s.remote)).toEqual(["a", "cloud"]);
  });
});
