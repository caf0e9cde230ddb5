import { mapView } from "./map-view.js";

describe("mapView", () => {
  it("marks the planned tree, keeps offline links (not planned over) and nodes only named as targets", () => {
    const v = mapView("a", [
      { node: "a", edges: [{ to: "b", cost: 1, online: true }, { to: "c", cost: 5, online: true }, { to: "d", cost: 1, online: false }] },
      { node: "b", edges: [{ to: "c", cost: 1, online: true }] },
    ]);
    expect(v.nodes).toEqual(["a", "b", "c", "d"]);
    expect(v.links).toEqual([
      { from: "a", to: "b", cost: 1, online: true, tree: true },
      { from: "a", to: "c", cost: 5, online: true, tree: false },
      { from: "a", to: "d", cost: 1, online: false, tree: false },
      { from: "b", to: "c", cost: 1, online: true, tree: true },
    ]);
    expect(v.cost).toBe(2);
    expect(v.unreachable).toEqual(["d"]);
  });

  it("draws a lone node before any advert is heard", () => {
    expect(mapView("a", [])).toEqual({ self: "a", nodes: ["a"], links: [], cost: 0, unreachable: [] });
  });
});
