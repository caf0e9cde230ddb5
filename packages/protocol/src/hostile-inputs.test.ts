// The table of hostile payloads a peer (or anyone able to publish to the node) could send.
// Every row must be refused with a specific code naming the offending field or element.
import xml, { type Element } from "@xmpp/xml";
import fc from "fast-check";
import { parse as ltxParse } from "ltx";
import { ANNOUNCE_ATTRS, MAP_ATTRS, SHA1_A, announcement, arbAnnouncement, reparse } from "../test/fixtures.js";
import { announcementToElement } from "./announcement.js";
import { decodePayload, encodePayload } from "./payload.js";

const announce = (attrs: Record<string, unknown> = {}, ...children: (Element | string)[]) => xml("announce", { ...ANNOUNCE_ATTRS, ...attrs }, ...children);
const announceWithout = (key: string) => announce({ [key]: undefined });
const map = (attrs: Record<string, unknown> = {}, ...children: (Element | string)[]) => xml("map", { ...MAP_ATTRS, ...attrs }, ...children);
const edge = (attrs: Record<string, unknown> = {}) => xml("edge", { to: "desktop", cost: "1", online: "true", ...attrs });
const MB = "x".repeat(1 << 20);

type Row = [label: string, input: () => unknown, code: string, field: string];

const rows: Row[] = [
  // Refs that would reach git's argv or a ref path (git check-ref-format + Herald's rules).
  ["option-looking ref --upload-pack=x", () => announce({ ref: "--upload-pack=x" }), "INVALID_FIELD", "announce.ref"],
  ["option-looking ref -x", () => announce({ ref: "-x" }), "INVALID_FIELD", "announce.ref"],
  ["option-looking branch refs/heads/-x", () => announce({ ref: "refs/heads/-x" }), "INVALID_FIELD", "announce.ref"],
  ["ref with ..", () => announce({ ref: "refs/heads/../../config" }), "INVALID_FIELD", "announce.ref"],
  ["ref with NUL", () => announce({ ref: "refs/heads/a\u0000b" }), "INVALID_FIELD", "announce.ref"],
  ["ref with a terminal escape", () => announce({ ref: "refs/heads/\u001b[2J" }), "INVALID_FIELD", "announce.ref"],
  ["ref with DEL", () => announce({ ref: "refs/heads/a\u007f" }), "INVALID_FIELD", "announce.ref"],
  ["ref with a newline from a char reference", () => ltxParse(announce().toString().replace("refs/heads/main", "refs/heads/a&#10;b")), "INVALID_FIELD", "announce.ref"],
  ["ref ending in .lock", () => announce({ ref: "refs/heads/a.lock" }), "INVALID_FIELD", "announce.ref"],
  ["ref with @{", () => announce({ ref: "refs/heads/a@{1}" }), "INVALID_FIELD", "announce.ref"],
  ["ref that is not a branch", () => announce({ ref: "refs/remotes/x/main" }), "INVALID_FIELD", "announce.ref"],
  ["ref of 256 bytes", () => announce({ ref: `refs/heads/${"a".repeat(245)}` }), "PAYLOAD_TOO_LARGE", "announce.ref"],
  ["1 MB ref attribute", () => announce({ ref: MB }), "PAYLOAD_TOO_LARGE", "announce"],
  ["1 MB unknown attribute", () => announce({ junk: MB }), "PAYLOAD_TOO_LARGE", "announce"],
  ["1 MB map", () => map({}, ...Array.from({ length: 200 }, (_, i) => edge({ to: `n${i}`, junk: "x".repeat(5000) }))), "PAYLOAD_TOO_LARGE", "map"],
  // Missing fields.
  ...["repo", "ref", "sha", "node", "seq", "time", "version"].map((key): Row => [`missing ${key}`, () => announceWithout(key), "MISSING_FIELD", `announce.${key}`]),
  ["missing map.node", () => map({ node: undefined }), "MISSING_FIELD", "map.node"],
  ["missing edge cost", () => map({}, edge({ cost: undefined })), "MISSING_FIELD", "map.edge[0].cost"],
  // Envelope: version, namespace, element name.
  ["unknown version", () => announce({ version: "2" }), "UNSUPPORTED_VERSION", "announce.version"],
  ["version 1.0", () => announce({ version: "1.0" }), "UNSUPPORTED_VERSION", "announce.version"],
  ["1 MB version", () => announce({ version: MB }), "UNSUPPORTED_VERSION", "announce.version"],
  ["wrong namespace", () => announce({ xmlns: "urn:herald:1" }), "WRONG_NAMESPACE", "announce"],
  ["no namespace", () => announce({ xmlns: undefined }), "WRONG_NAMESPACE", "announce"],
  ["client namespace", () => ltxParse("<message xmlns='jabber:client'><body>sync</body></message>"), "WRONG_NAMESPACE", "message"],
  ["unknown Herald element", () => xml("commit", { xmlns: "urn:herald:0", version: "1" }), "UNKNOWN_ELEMENT", "commit"],
  // Content that v1 messages do not have.
  ["nested junk in announce", () => announce({}, xml("junk", {}, xml("deeper"))), "UNEXPECTED_CONTENT", "announce"],
  ["foreign-namespace child", () => ltxParse(`<announce xmlns='urn:herald:0' xmlns:e='evil' ${attrs(ANNOUNCE_ATTRS)}><e:x/></announce>`), "UNEXPECTED_CONTENT", "announce"],
  ["text in announce", () => announce({}, "hello"), "UNEXPECTED_CONTENT", "announce"],
  ["unknown attribute", () => announce({ force: "true" }), "UNEXPECTED_CONTENT", "announce"],
  ["junk element in map", () => map({}, edge(), xml("script")), "UNEXPECTED_CONTENT", "map"],
  ["edge in another namespace", () => map({}, xml("edge", { xmlns: "urn:other", to: "a", cost: "1", online: "true" })), "UNEXPECTED_CONTENT", "map"],
  ["child inside edge", () => map({}, xml("edge", { to: "a", cost: "1", online: "true" }, xml("x"))), "UNEXPECTED_CONTENT", "map.edge[0]"],
  ["257 edges", () => map({}, ...Array.from({ length: 257 }, (_, i) => edge({ to: `n${i}` }))), "PAYLOAD_TOO_LARGE", "map.edge"],
  // Object names.
  ["sha of 39 digits", () => announce({ sha: SHA1_A.slice(1) }), "INVALID_FIELD", "announce.sha"],
  ["sha of 41 digits", () => announce({ sha: `${SHA1_A}0` }), "INVALID_FIELD", "announce.sha"],
  ["uppercase sha", () => announce({ sha: SHA1_A.toUpperCase() }), "INVALID_FIELD", "announce.sha"],
  ["non-hex sha", () => announce({ sha: `z${SHA1_A.slice(1)}` }), "INVALID_FIELD", "announce.sha"],
  ["sha of 65 digits", () => announce({ sha: `${SHA1_A}${SHA1_A}`.slice(0, 65) }), "PAYLOAD_TOO_LARGE", "announce.sha"],
  ["empty prev", () => announce({ prev: "" }), "INVALID_FIELD", "announce.prev"],
  ["null object id as sha", () => announce({ sha: "0".repeat(40) }), "INVALID_FIELD", "announce.sha"],
  // Sequence numbers.
  ["negative seq", () => announce({ seq: "-1" }), "INVALID_FIELD", "announce.seq"],
  ["float seq", () => announce({ seq: "1.5" }), "INVALID_FIELD", "announce.seq"],
  ["exponent seq", () => announce({ seq: "1e3" }), "INVALID_FIELD", "announce.seq"],
  ["seq 2^53", () => announce({ seq: "9007199254740992" }), "INVALID_FIELD", "announce.seq"],
  ["huge seq", () => announce({ seq: "9".repeat(40) }), "PAYLOAD_TOO_LARGE", "announce.seq"],
  ["seq with leading zero", () => announce({ seq: "07" }), "INVALID_FIELD", "announce.seq"],
  ["non-string seq (set after xml() stringified the rest)", () => Object.assign(announce(), { attrs: { ...ANNOUNCE_ATTRS, seq: 7 } }), "INVALID_FIELD", "announce.seq"],
  // Node ids, which become refs/remotes/<node>/... on the receiving side.
  ["node ../x", () => announce({ node: "../x" }), "INVALID_FIELD", "announce.node"],
  ["node a/b", () => announce({ node: "a/b" }), "INVALID_FIELD", "announce.node"],
  ["empty node", () => announce({ node: "" }), "INVALID_FIELD", "announce.node"],
  ["node of 65 chars", () => announce({ node: "n".repeat(65) }), "PAYLOAD_TOO_LARGE", "announce.node"],
  ["node -n", () => announce({ node: "-n" }), "INVALID_FIELD", "announce.node"],
  ["node x.lock", () => announce({ node: "x.lock" }), "INVALID_FIELD", "announce.node"],
  ["edge to ../x", () => map({}, edge({ to: "../x" })), "INVALID_FIELD", "map.edge[0].to"],
  ["repo a/b", () => map({ repo: "a/b" }), "INVALID_FIELD", "map.repo"],
  // Times and costs.
  ["time without zone", () => announce({ time: "2026-11-25T16:45:06" }), "INVALID_FIELD", "announce.time"],
  ["time as epoch ms", () => announce({ time: "1795625106123" }), "INVALID_FIELD", "announce.time"],
  ["negative cost", () => map({}, edge({ cost: "-1" })), "INVALID_FIELD", "map.edge[0].cost"],
  ["infinite cost", () => map({}, edge({ cost: "1e400" })), "INVALID_FIELD", "map.edge[0].cost"],
  // Not elements at all, and objects built to hurt.
  ...[null, undefined, "<announce/>", 42, {}, [], () => 0].map((v): Row => [`non-element ${String(v)}`, () => v, "MALFORMED_ELEMENT", "payload"]),
  ["attrs that inherit every field", () => ({ name: "announce", attrs: Object.create({ ...ANNOUNCE_ATTRS }), children: [] }), "WRONG_NAMESPACE", "announce"],
  ["inherited field with own envelope", () => ({ name: "announce", attrs: Object.assign(Object.create({ node: "laptop" }), { ...ANNOUNCE_ATTRS, node: undefined }), children: [] }), "MISSING_FIELD", "announce.node"],
  ["self-containing element", () => selfContaining(), "PAYLOAD_TOO_LARGE", "announce"],
];

function attrs(a: Readonly<Record<string, string>>): string {
  return Object.entries(a).filter(([k]) => k !== "xmlns").map(([k, v]) => `${k}='${v}'`).join(" ");
}

function selfContaining(): Element {
  const el = announce();
  el.children.push(el);
  return el;
}

describe("hostile payloads", () => {
  it.each(rows)("refuses %s", (_, input, code, field) => {
    const result = decodePayload(input());
    expect(result).toMatchObject({ ok: false, error: { code, field } });
  });

});

// Random junk: generated elements whose names, namespaces, attributes and children are drawn from
// both Herald's vocabulary and noise, so that many get deep into the decoders.
const KEYS = ["xmlns", "version", "repo", "ref", "sha", "prev", "node", "seq", "time", "to", "cost", "online", "passive", "by", "junk"];
const arbValue = fc.oneof(
  fc.constantFrom("urn:herald:0", "1", "photos", "laptop", "refs/heads/main", SHA1_A, "7", "2026-11-25T16:45:06.123Z", "true", "0.5", ""),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(null, undefined, 7, -0, NaN, {}),
);
const { tree: arbJunkElement } = fc.letrec<{ tree: Element }>((tie) => ({
  tree: fc
    .record({
      name: fc.oneof(fc.constantFrom("announce", "map", "edge", "h:announce", "junk", ""), fc.string({ maxLength: 10 })),
      attrs: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), arbValue, { maxKeys: 12 }),
      children: fc.array(fc.oneof({ maxDepth: 3, depthIdentifier: "tree" }, fc.string({ unit: "binary", maxLength: 10 }), tie("tree")), { maxLength: 4 }),
    })
    .map(({ name, attrs, children }) => xml(name, attrs, ...children)),
}));

describe("decodePayload on random junk", () => {
  it("never throws on arbitrary values", () => {
    fc.assert(fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true }), (v) => {
      expect(decodePayload(v).ok).toBe(false);
    }));
  });

  it("never throws on random elements, and accepts only what the encoder would emit", () => {
    fc.assert(fc.property(arbJunkElement, (el) => {
      const result = decodePayload(el);
      if (result.ok) expect(decodePayload(reparse(encodePayload(result.value))[0])).toEqual(result);
    }), { numRuns: 500 });
  });

  it("never throws when one attribute of a valid announcement is replaced by noise", () => {
    fc.assert(fc.property(arbAnnouncement, fc.constantFrom(...KEYS), arbValue, (a, key, value) => {
      const el = announcementToElement(a);
      el.attrs[key] = value;
      const result = decodePayload(el);
      if (!result.ok || result.value.kind !== "announce") return;
      // Whatever is accepted is valid (re-encodes) and was read verbatim, not repaired.
      expect(decodePayload(reparse(encodePayload(result.value))[0])).toEqual(result);
      const decoded: Record<string, unknown> = { ...result.value.announcement };
      if (["repo", "ref", "sha", "node"].includes(key)) expect(decoded[key]).toBe(value);
    }), { numRuns: 500 });
  });

  it("never throws on whatever ltx can parse out of random text", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => announcementToElement(announcement()).toString().replace("main", s)),
    );
    fc.assert(fc.property(text, (s) => {
      let el: unknown;
      try {
        el = ltxParse(s);
      } catch {
        return; // the XMPP stream would have been closed before we saw it
      }
      decodePayload(el);
    }), { numRuns: 500 });
  });
});
