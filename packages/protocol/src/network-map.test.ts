import xml from "@xmpp/xml";
import fc from "fast-check";
import { MAP_ATTRS, advert, arbAdvert, reparse } from "../test/fixtures.js";
import { serializedSize } from "./element-size.js";
import { MAX_EDGES, MAX_MAP_BYTES, type MapEdge, networkMapFromElement, networkMapToElement } from "./network-map.js";

describe("networkMapToElement", () => {
  it("writes the documented wire format", () => {
    expect(networkMapToElement(advert()).toString()).toBe(
      '<map xmlns="urn:herald:0" version="1" repo="photos" node="laptop" seq="3" time="2026-11-25T16:45:06.123Z">' +
        '<edge to="desktop" cost="100" online="true"/><edge to="usb" cost="0.5" online="false"/></map>',
    );
  });
  it("marks a passive node's advert with passive and by", () => {
    const el = networkMapToElement(advert({ node: "usb", passive: true, by: "laptop", edges: [{ to: "laptop", cost: 1, online: true }] }));
    expect(el.attrs).toMatchObject({ node: "usb", passive: "true", by: "laptop" });
  });
  it("omits passive when false, and an advert with no edges is an empty element", () => {
    expect(networkMapToElement(advert({ passive: false, edges: [] })).toString()).toBe(
      '<map xmlns="urn:herald:0" version="1" repo="photos" node="laptop" seq="3" time="2026-11-25T16:45:06.123Z"/>',
    );
  });
  const edge = (e: Partial<MapEdge>): MapEdge => ({ to: "desktop", cost: 1, online: true, ...e });
  it.each([
    ["negative cost", { edges: [edge({ cost: -1 })] }, "INVALID_FIELD", "map.edge[0].cost"],
    ["infinite cost", { edges: [edge({ cost: Infinity })] }, "INVALID_FIELD", "map.edge[0].cost"],
    ["NaN cost", { edges: [edge({ cost: NaN })] }, "INVALID_FIELD", "map.edge[0].cost"],
    ["bad edge target", { edges: [edge({}), edge({ to: "a/b" })] }, "INVALID_FIELD", "map.edge[1].to"],
    ["self loop", { edges: [edge({ to: "laptop" })] }, "INVALID_FIELD", "map.edge[0].to"],
    ["duplicate target", { edges: [edge({}), edge({ cost: 2 })] }, "INVALID_FIELD", "map.edge[1].to"],
    ["passive without by", { passive: true }, "MISSING_FIELD", "map.by"],
    ["passive advertised by itself", { passive: true, by: "laptop" }, "INVALID_FIELD", "map.by"],
    ["by without passive", { by: "desktop" }, "INVALID_FIELD", "map.by"],
    ["bad node", { node: "-n" }, "INVALID_FIELD", "map.node"],
    ["bad seq", { seq: 2 ** 53 }, "INVALID_FIELD", "map.seq"],
  ])("refuses to emit an advert with %s", (_, overrides, code, field) => {
    expect(() => networkMapToElement(advert(overrides))).toThrow(expect.objectContaining({ code, field }));
  });
  it(`refuses more than ${MAX_EDGES} edges`, () => {
    const edges = Array.from({ length: MAX_EDGES + 1 }, (_, i) => edge({ to: `n${i}` }));
    expect(() => networkMapToElement(advert({ edges }))).toThrow(expect.objectContaining({ code: "PAYLOAD_TOO_LARGE", field: "map.edge" }));
  });
  it("keeps even the largest valid advert within the decoder's bound", () => {
    const id = (i: number) => `${i}`.padStart(64, "x");
    const edges = Array.from({ length: MAX_EDGES }, (_, i) => edge({ to: id(i), cost: Number.MAX_VALUE, online: false }));
    const worst = advert({ repo: "r".repeat(64), node: "n".repeat(64), seq: Number.MAX_SAFE_INTEGER, passive: true, by: "b".repeat(64), edges });
    const el = networkMapToElement(worst);
    expect(serializedSize(el, Infinity)).toBeLessThanOrEqual(MAX_MAP_BYTES * 0.75);
    expect(networkMapFromElement(el)).toEqual(worst);
  });
});

describe("networkMapFromElement", () => {
  it.each([
    ["ordinary", advert()],
    ["passive", advert({ node: "usb", passive: true, by: "laptop", edges: [{ to: "laptop", cost: 1, online: true }] })],
    ["no edges", advert({ edges: [] })],
    ["tiny and huge costs", advert({ edges: [{ to: "a", cost: 5e-324, online: true }, { to: "b", cost: 1e21, online: false }] })],
  ])("round-trips through both parsers (%s)", (_, m) => {
    for (const parsed of reparse(networkMapToElement(m))) expect(networkMapFromElement(parsed)).toEqual(m);
  });
  it("round-trips any valid advert", () => {
    fc.assert(
      fc.property(arbAdvert, (m) => {
        for (const parsed of reparse(networkMapToElement(m))) expect(networkMapFromElement(parsed)).toEqual(m);
      }),
    );
  });
  it("normalizes passive=\"false\" to an advert without passive", () => {
    const decoded = networkMapFromElement(xml("map", { ...MAP_ATTRS, passive: "false" }));
    expect(decoded).not.toHaveProperty("passive");
    expect(decoded.edges).toEqual([]);
  });
  it("accepts pretty-printed edges", () => {
    const el = xml("map", MAP_ATTRS, "\n  ", xml("edge", { to: "desktop", cost: "2.5", online: "true" }), "\n");
    expect(networkMapFromElement(el).edges).toEqual([{ to: "desktop", cost: 2.5, online: true }]);
  });
  it.each([
    ["-1", "INVALID_FIELD"],
    ["01", "INVALID_FIELD"],
    [".5", "INVALID_FIELD"],
    ["1e999", "INVALID_FIELD"],
    ["Infinity", "INVALID_FIELD"],
    ["NaN", "INVALID_FIELD"],
    ["0x10", "INVALID_FIELD"],
    [" 1", "INVALID_FIELD"],
    ["1".repeat(33), "PAYLOAD_TOO_LARGE"],
  ])("refuses cost=%j", (cost, code) => {
    const el = xml("map", MAP_ATTRS, xml("edge", { to: "desktop", cost, online: "true" }));
    expect(() => networkMapFromElement(el)).toThrow(expect.objectContaining({ code, field: "map.edge[0].cost" }));
  });
  it("refuses online values other than true and false", () => {
    const el = xml("map", MAP_ATTRS, xml("edge", { to: "desktop", cost: "1", online: "yes" }));
    expect(() => networkMapFromElement(el)).toThrow(expect.objectContaining({ code: "INVALID_FIELD", field: "map.edge[0].online" }));
  });
  it("counts edges before reading any of them", () => {
    const edges = Array.from({ length: MAX_EDGES + 1 }, () => xml("edge", { to: "bad/id", cost: "x", online: "?" }));
    expect(() => networkMapFromElement(xml("map", MAP_ATTRS, ...edges))).toThrow(
      expect.objectContaining({ code: "PAYLOAD_TOO_LARGE", field: "map.edge", limit: MAX_EDGES }),
    );
  });
});
