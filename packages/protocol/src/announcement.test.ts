import xml from "@xmpp/xml";
import fc from "fast-check";
import { ANNOUNCE_ATTRS, SHA1_A, SHA256_A, announcement, arbAnnouncement, reparse } from "../test/fixtures.js";
import { MAX_ANNOUNCE_BYTES, announcementFromElement, announcementToElement } from "./announcement.js";
import { serializedSize } from "./element-size.js";

describe("announcementToElement", () => {
  it("writes the documented wire format", () => {
    expect(announcementToElement(announcement()).toString()).toBe(
      '<announce xmlns="urn:herald:0" version="1" repo="photos" ref="refs/heads/main" ' +
        'sha="0123456789abcdef0123456789abcdef01234567" prev="89abcdef0123456789abcdef0123456789abcdef" ' +
        'node="laptop" seq="7" time="2026-11-25T16:45:06.123Z"/>',
    );
  });
  it("omits prev for a new branch", () => {
    const el = announcementToElement(announcement({ prev: null }));
    expect(el.attrs).not.toHaveProperty("prev");
    expect(el.toString()).not.toContain("prev=");
  });
  it("escapes XML-special characters a ref may legally contain", () => {
    const el = announcementToElement(announcement({ ref: `refs/heads/a&b<c>"d'` }));
    expect(el.toString()).toContain('ref="refs/heads/a&amp;b&lt;c&gt;&quot;d&apos;"');
  });
  it.each([
    ["repo", { repo: "a/b" }, "announce.repo"],
    ["ref (not a branch)", { ref: "refs/tags/v1" }, "announce.ref"],
    ["ref (option-looking)", { ref: "--upload-pack=x" }, "announce.ref"],
    ["sha", { sha: SHA1_A.toUpperCase() }, "announce.sha"],
    ["prev (empty)", { prev: "" }, "announce.prev"],
    ["prev (other hash algorithm)", { prev: SHA256_A }, "announce.prev"],
    ["node", { node: "../x" }, "announce.node"],
    ["seq", { seq: -1 }, "announce.seq"],
    ["time (fractional ms)", { time: 1.5 }, "announce.time"],
    ["time (before 1970)", { time: -1 }, "announce.time"],
  ])("refuses to emit an invalid %s", (_, overrides, field) => {
    expect(() => announcementToElement(announcement(overrides))).toThrow(expect.objectContaining({ code: "INVALID_FIELD", field }));
  });
  it("keeps even the largest valid announcement within the decoder's bound", () => {
    const worst = announcement({
      repo: "r".repeat(64),
      ref: `refs/heads/${"&".repeat(244)}`, // 255 bytes, each & escaped to 5
      sha: SHA256_A,
      prev: SHA256_A,
      node: "n".repeat(64),
      seq: Number.MAX_SAFE_INTEGER,
    });
    const el = announcementToElement(worst);
    expect(serializedSize(el, Infinity)).toBeLessThanOrEqual(MAX_ANNOUNCE_BYTES / 2);
    expect(announcementFromElement(el)).toEqual(worst);
  });
});

describe("announcementFromElement", () => {
  it.each([
    ["with prev", announcement()],
    ["without prev", announcement({ prev: null })],
    ["with SHA-256 names", announcement({ sha: SHA256_A, prev: null })],
  ])("round-trips through both parsers (%s)", (_, a) => {
    for (const parsed of reparse(announcementToElement(a))) expect(announcementFromElement(parsed)).toEqual(a);
  });
  it("round-trips any valid announcement", () => {
    fc.assert(
      fc.property(arbAnnouncement, (a) => {
        for (const parsed of reparse(announcementToElement(a))) expect(announcementFromElement(parsed)).toEqual(a);
      }),
    );
  });
  it("accepts what other XML writers may produce: prefixes, whitespace, xml:lang, time offsets", () => {
    const { xmlns: _, ...attrs } = ANNOUNCE_ATTRS;
    const prefixed = xml("h:announce", { "xmlns:h": "urn:herald:0", "xml:lang": "en", ...attrs, time: "2026-11-25T17:45:06.123+01:00" }, "\n  ");
    expect(announcementFromElement(prefixed)).toEqual(announcement());
  });
  it("names a missing field by its path", () => {
    const el = xml("announce", { ...ANNOUNCE_ATTRS });
    delete el.attrs.node;
    expect(() => announcementFromElement(el)).toThrow(expect.objectContaining({ code: "MISSING_FIELD", field: "announce.node" }));
  });
  it("refuses a <map/>", () => {
    expect(() => announcementFromElement(xml("map", { xmlns: "urn:herald:0", version: "1" }))).toThrow(
      expect.objectContaining({ code: "UNKNOWN_ELEMENT", field: "map" }),
    );
  });
});
