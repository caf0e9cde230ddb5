import xml from "@xmpp/xml";
import fc from "fast-check";
import { ANNOUNCE_ATTRS, advert, announcement, arbAdvert, arbAnnouncement, reparse } from "../test/fixtures.js";
import { type Payload, decodePayload, encodePayload } from "./payload.js";

describe("decodePayload", () => {
  it("decodes an announcement", () => {
    expect(decodePayload(xml("announce", ANNOUNCE_ATTRS))).toEqual({ ok: true, value: { kind: "announce", announcement: announcement() } });
  });
  it("decodes a network map", () => {
    const [parsed] = reparse(encodePayload({ kind: "map", advert: advert() }));
    expect(decodePayload(parsed)).toEqual({ ok: true, value: { kind: "map", advert: advert() } });
  });
  it("decodes the publisher probe, whatever it carries", () => {
    expect(decodePayload(xml("probe", { xmlns: "urn:herald:0", extra: "x" }, xml("junk")))).toEqual({ ok: true, value: { kind: "probe" } });
  });
  it("decodes the payload inside a parsed XEP-0060 item", () => {
    const [item] = reparse(xml("item", { xmlns: "http://jabber.org/protocol/pubsub#event", id: "laptop-7" }, xml("announce", ANNOUNCE_ATTRS)));
    const result = decodePayload(item.getChild("announce", "urn:herald:0"));
    expect(result.ok && result.value.kind).toBe("announce");
  });
  it("tells a foreign payload (wrong namespace) from an unknown Herald one", () => {
    expect(decodePayload(xml("entry", { xmlns: "http://www.w3.org/2005/Atom" }))).toMatchObject({ ok: false, error: { code: "WRONG_NAMESPACE", field: "entry" } });
    expect(decodePayload(xml("retract", { xmlns: "urn:herald:0", version: "1" }))).toMatchObject({ ok: false, error: { code: "UNKNOWN_ELEMENT", field: "retract" } });
  });
  it("turns an exception thrown by a hostile object into MALFORMED_ELEMENT", () => {
    const boom = () => {
      throw new Error("boom\u0000");
    };
    const traps = { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom };
    for (const hostile of [
      { name: "announce", attrs: new Proxy({}, traps), children: [] },
      { get name() { return boom(); }, attrs: {}, children: [] },
      new Proxy({}, traps),
    ]) {
      const result = decodePayload(hostile);
      expect(result).toMatchObject({ ok: false, error: { code: "MALFORMED_ELEMENT", field: "payload" } });
      expect(!result.ok && result.error.message).not.toContain("\u0000");
    }
  });
});

describe("encodePayload", () => {
  it("is inverted by decodePayload for every valid payload", () => {
    const arbPayload: fc.Arbitrary<Payload> = fc.oneof(
      arbAnnouncement.map((announcement) => ({ kind: "announce" as const, announcement })),
      arbAdvert.map((advert) => ({ kind: "map" as const, advert })),
      fc.constant({ kind: "probe" as const }),
    );
    fc.assert(
      fc.property(arbPayload, (payload) => {
        for (const parsed of reparse(encodePayload(payload))) expect(decodePayload(parsed)).toEqual({ ok: true, value: payload });
      }),
    );
  });
  it("throws the typed error for an invalid payload", () => {
    expect(() => encodePayload({ kind: "announce", announcement: announcement({ sha: "abc" }) })).toThrow(
      "invalid announce.sha: must be 40 or 64 lowercase hex digits",
    );
  });
});
