// Builders and fast-check arbitraries shared by the unit tests in ../src (kept out of src/ so the
// build never ships them; type-checked by tsconfig.test.json).
import { type Element, Parser } from "@xmpp/xml";
import fc from "fast-check";
import { parse as ltxParse } from "ltx";
import { MAX_TIMESTAMP } from "../src/datetime.js";
import type { CommitAnnouncement } from "../src/announcement.js";
import type { MapEdge, NetworkMapAdvert } from "../src/network-map.js";
import { isBranchRef, isNodeId } from "../src/validate.js";

export const SHA1_A = "0123456789abcdef0123456789abcdef01234567";
export const SHA1_B = "89abcdef0123456789abcdef0123456789abcdef";
export const SHA256_A = "0123456789abcdef".repeat(4);
export const T = Date.UTC(2026, 10, 25, 16, 45, 6, 123); // 2026-11-25T16:45:06.123Z

export function announcement(overrides: Partial<CommitAnnouncement> = {}): CommitAnnouncement {
  return { repo: "photos", ref: "refs/heads/main", sha: SHA1_A, prev: SHA1_B, node: "laptop", seq: 7, time: T, ...overrides };
}

export function advert(overrides: Partial<NetworkMapAdvert> = {}): NetworkMapAdvert {
  return {
    repo: "photos",
    node: "laptop",
    seq: 3,
    time: T,
    edges: [
      { to: "desktop", cost: 100, online: true },
      { to: "usb", cost: 0.5, online: false },
    ],
    ...overrides,
  };
}

/** Attributes of a valid <announce/>, to build hostile variants from with `xml("announce", …)`. */
export const ANNOUNCE_ATTRS: Readonly<Record<string, string>> = {
  xmlns: "urn:herald:0",
  version: "1",
  repo: "photos",
  ref: "refs/heads/main",
  sha: SHA1_A,
  prev: SHA1_B,
  node: "laptop",
  seq: "7",
  time: "2026-11-25T16:45:06.123Z",
};

export const MAP_ATTRS: Readonly<Record<string, string>> = {
  xmlns: "urn:herald:0",
  version: "1",
  repo: "photos",
  node: "laptop",
  seq: "3",
  time: "2026-11-25T16:45:06.123Z",
};

const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });

export const arbId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).filter(isNodeId);

/** Refs whose names use XML-special characters and non-ASCII, which must survive escaping. */
export const arbBranchRef = fc
  .array(fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.@{}&<>\"'#+=é😀"), minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 })
  .map((parts) => `refs/heads/${parts.join("/")}`)
  .filter(isBranchRef);

export const arbShas = fc.oneof(
  fc.tuple(hex(40), fc.option(hex(40))),
  fc.tuple(hex(64), fc.option(hex(64))),
);

export const arbAnnouncement: fc.Arbitrary<CommitAnnouncement> = fc
  .record({ repo: arbId, ref: arbBranchRef, shas: arbShas, node: arbId, seq: fc.maxSafeNat(), time: fc.integer({ min: 0, max: MAX_TIMESTAMP }) })
  .map(({ shas: [sha, prev], ...rest }) => ({ ...rest, sha, prev }));

const arbEdge: fc.Arbitrary<MapEdge> = fc.record({
  to: arbId,
  cost: fc.oneof(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 1000 })),
  online: fc.boolean(),
});

export const arbAdvert: fc.Arbitrary<NetworkMapAdvert> = fc
  .record({
    repo: arbId,
    node: arbId,
    seq: fc.maxSafeNat(),
    time: fc.integer({ min: 0, max: MAX_TIMESTAMP }),
    edges: fc.uniqueArray(arbEdge, { selector: (e) => e.to, maxLength: 12 }),
    by: fc.option(arbId),
  })
  .filter((m) => m.by !== m.node && m.edges.every((e) => e.to !== m.node))
  .map(({ by, ...m }) => (by === null ? m : { ...m, passive: true, by }));

/** Parses like @xmpp/client does (the @xmpp/xml stream Parser), for one complete element. */
export function parseLikeXmppClient(text: string): Element {
  const parser = new Parser();
  let root: Element | null = null;
  let failure: unknown = null;
  parser.on("start", (el: Element) => (root = el));
  parser.on("element", (el: Element) => root?.append(el));
  parser.on("error", (err: unknown) => (failure = err));
  parser.write(text);
  if (failure !== null) throw failure;
  if (root === null) throw new Error("no element parsed");
  return root;
}

/** Serializes and parses back with both parsers Herald may meet: @xmpp/xml's and plain ltx's. */
export function reparse(el: Element): [viaXmppClient: Element, viaLtx: Element] {
  const text = el.toString();
  return [parseLikeXmppClient(text), ltxParse(text)];
}
