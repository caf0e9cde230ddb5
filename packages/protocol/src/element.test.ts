import xml from "@xmpp/xml";
import { parse } from "ltx";
import { isElementLike, localName, namespaceOf, ownAttr } from "./element.js";

describe("isElementLike", () => {
  it("accepts elements from both ltx and @xmpp/xml, which are different classes", () => {
    const a = parse("<a xmlns='x'/>");
    const b = xml("a", { xmlns: "x" });
    expect(a.constructor).not.toBe(b.constructor);
    expect(isElementLike(a)).toBe(true);
    expect(isElementLike(b)).toBe(true);
  });
  it.each([null, undefined, "<a/>", 42, [], {}, { name: "a", attrs: {} }, { name: 1, attrs: {}, children: [] }, { name: "a", attrs: null, children: [] }, { name: "a", attrs: {}, children: "x" }])(
    "rejects %p",
    (v) => {
      expect(isElementLike(v)).toBe(false);
    },
  );
});

describe("ownAttr", () => {
  it("ignores properties inherited from Object.prototype", () => {
    const el = xml("a", {});
    expect(ownAttr(el, "constructor")).toBeUndefined();
    expect(ownAttr(el, "toString")).toBeUndefined();
    expect(ownAttr(xml("a", { seq: "1" }), "seq")).toBe("1");
  });
});

describe("namespaceOf / localName", () => {
  it("reads a default namespace declared on the element", () => {
    expect(namespaceOf(parse("<announce xmlns='urn:herald:0'/>"))).toBe("urn:herald:0");
  });
  it("resolves a prefix declared on an ancestor (Namespaces in XML §6)", () => {
    const item = parse("<item xmlns='http://jabber.org/protocol/pubsub' xmlns:h='urn:herald:0'><h:announce/></item>");
    const child = item.getChildElements()[0]!;
    expect(localName(child)).toBe("announce");
    expect(namespaceOf(child)).toBe("urn:herald:0");
  });
  it("inherits the default namespace, and lets xmlns='' undeclare it", () => {
    const map = parse("<map xmlns='urn:herald:0'><edge/><edge xmlns=''/></map>");
    const [inherited, undeclared] = map.getChildElements();
    expect(namespaceOf(inherited!)).toBe("urn:herald:0");
    expect(namespaceOf(undeclared!)).toBe("");
  });
  it("uses the parent the caller supplies instead of el.parent", () => {
    const orphan = { name: "edge", attrs: {}, children: [] };
    expect(namespaceOf(orphan)).toBeUndefined();
    expect(namespaceOf(orphan, xml("map", { xmlns: "urn:herald:0" }))).toBe("urn:herald:0");
  });
  it("stops on a cyclic parent chain", () => {
    const a: { name: string; attrs: Record<string, unknown>; children: unknown[]; parent?: unknown } = { name: "a", attrs: {}, children: [] };
    a.parent = a;
    expect(namespaceOf(a)).toBeUndefined();
  });
  it("gives up on an unbound prefix", () => {
    expect(namespaceOf(parse("<x:a xmlns='urn:herald:0'/>"))).toBeUndefined();
  });
});
