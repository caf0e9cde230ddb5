import xml from "@xmpp/xml";
import { checkAttributes, checkEmpty, openEnvelope, readAttr, readSeq, readTime } from "./element-reader.js";

const NS = "urn:herald:0";
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return `${(e as { code: string }).code} ${(e as { field: string }).field}`;
  }
  return "ok";
};

describe("openEnvelope", () => {
  it("checks namespace, then name, then version, then size, so the cheapest answer wins", () => {
    const big = "x".repeat(5000);
    expect(code(() => openEnvelope(xml("other", { xmlns: "urn:x", version: "9", big }), "announce", 100))).toBe("WRONG_NAMESPACE other");
    expect(code(() => openEnvelope(xml("other", { xmlns: NS, version: "9", big }), "announce", 100))).toBe("UNKNOWN_ELEMENT other");
    expect(code(() => openEnvelope(xml("announce", { xmlns: NS, version: "9", big }), "announce", 100))).toBe("UNSUPPORTED_VERSION announce.version");
    expect(code(() => openEnvelope(xml("announce", { xmlns: NS, big }), "announce", 100))).toBe("MISSING_FIELD announce.version");
    expect(code(() => openEnvelope(xml("announce", { xmlns: NS, version: "1", big }), "announce", 100))).toBe("PAYLOAD_TOO_LARGE announce");
    expect(code(() => openEnvelope(xml("announce", { xmlns: NS, version: "1" }), "announce", 100))).toBe("ok");
  });
});

describe("checkAttributes / checkEmpty", () => {
  it("allows namespace declarations and xml:* but nothing else outside the list", () => {
    const el = xml("a", { xmlns: NS, "xmlns:h": NS, "xml:lang": "en", repo: "r" });
    expect(code(() => checkAttributes(el, "a", ["repo"]))).toBe("ok");
    expect(code(() => checkAttributes(el, "a", []))).toBe("UNEXPECTED_CONTENT a");
  });
  it("allows whitespace between elements but no other text or children", () => {
    expect(code(() => checkEmpty(xml("a", {}, " \n\t"), "a"))).toBe("ok");
    expect(code(() => checkEmpty(xml("a", {}, "\u00a0"), "a"))).toBe("UNEXPECTED_CONTENT a");
    expect(code(() => checkEmpty(xml("a", {}, xml("b")), "a"))).toBe("UNEXPECTED_CONTENT a");
  });
});

describe("field readers", () => {
  it("cap attribute length in UTF-8 bytes before reading", () => {
    expect(readAttr(xml("a", { k: "é".repeat(32) }), "a", "k", 64)).toBe("é".repeat(32));
    expect(code(() => readAttr(xml("a", { k: "é".repeat(33) }), "a", "k", 64))).toBe("PAYLOAD_TOO_LARGE a.k");
  });
  it("read seq as a canonical decimal", () => {
    expect(readSeq(xml("a", { seq: "9007199254740991" }), "a")).toBe(Number.MAX_SAFE_INTEGER);
    expect(readSeq(xml("a", { seq: "0" }), "a")).toBe(0);
    for (const seq of ["", "+1", "-0", "00", "1.0", " 1", "0x1"]) expect(code(() => readSeq(xml("a", { seq }), "a"))).toBe("INVALID_FIELD a.seq");
  });
  it("read time as an XEP-0082 DateTime", () => {
    expect(readTime(xml("a", { time: "1970-01-01T00:00:01Z" }), "a")).toBe(1000);
    expect(code(() => readTime(xml("a", { time: "tomorrow" }), "a"))).toBe("INVALID_FIELD a.time");
    expect(code(() => readTime(xml("a", {}), "a"))).toBe("MISSING_FIELD a.time");
  });
});
