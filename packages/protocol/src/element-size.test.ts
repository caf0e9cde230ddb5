import xml from "@xmpp/xml";
import fc from "fast-check";
import { parse } from "ltx";
import { serializedSize } from "./element-size.js";

const bytes = (s: string): number => new TextEncoder().encode(s).length;

describe("serializedSize", () => {
  it.each([
    xml("a", {}),
    xml("announce", { xmlns: "urn:herald:0", ref: `refs/heads/a&b<c>"d'` }),
    xml("map", { xmlns: "urn:herald:0" }, xml("edge", { to: "né😀" }), "\n  text & <more>\n", xml("edge", { cost: 1.5 })),
    parse("<a xmlns='x' b='&amp;&quot;'><c>t&lt;</c>\u00e9</a>"),
  ])("equals the UTF-8 length of toString() for %s", (el) => {
    expect(serializedSize(el, 1_000_000)).toBe(bytes(el.toString()));
  });
  it("matches toString() on random trees of random text", () => {
    const text = fc.string({ unit: "binary", maxLength: 20 });
    const leaf = fc.record({ k: fc.constantFrom("a", "b", "c"), v: text, t: text }).map(({ k, v, t }) => xml("e", { [k]: v }, ...(t === "" ? [] : [t])));
    fc.assert(
      fc.property(fc.array(leaf, { maxLength: 8 }), text, (children, attr) => {
        const el = xml("root", { xmlns: "urn:herald:0", attr }, ...children);
        expect(serializedSize(el, 1_000_000)).toBe(bytes(el.toString()));
      }),
    );
  });
  it("reports more than the limit once over, without measuring everything", () => {
    const huge = xml("a", { v: "x".repeat(1_000_000) });
    expect(serializedSize(huge, 4096)).toBeGreaterThan(4096);
    const el = xml("a", { v: "xxxx" }); // <a v="xxxx"/> = 13 bytes
    expect(serializedSize(el, 13)).toBe(13);
    expect(serializedSize(el, 12)).toBeGreaterThan(12);
  });
  it("terminates on a cycle and on a million null children", () => {
    const a = xml("a", {});
    a.children.push(a);
    expect(serializedSize(a, 4096)).toBeGreaterThan(4096);
    const wide = { name: "a", attrs: {}, children: new Array(1_000_000).fill(null) };
    expect(serializedSize(wide, 65536)).toBeGreaterThan(65536);
  });
});
