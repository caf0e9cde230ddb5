// <announce/>: "node N moved ref R of repo X to sha S". Published as a XEP-0060 item payload on
// herald/<repo>; receivers fetch from N. It names a node, never a URL or path (style.md, 8).
import xml, { type Element } from "@xmpp/xml";
import { formatDateTime, isTimestamp } from "./datetime.js";
import { checkAttributes, checkEmpty, openEnvelope, readAttr, readSeq, readTime, requireAttr } from "./element-reader.js";
import { InvalidFieldError } from "./errors.js";
import { NS_HERALD, PROTOCOL_VERSION } from "./namespace.js";
import { assertBranchRef, assertNodeId, assertRepoId, assertSeq, assertSha, MAX_ID_LENGTH, MAX_REF_BYTES } from "./validate.js";

export interface CommitAnnouncement {
  /** Repository id shared by all clones (names the pubsub node). */
  repo: string;
  /** Full branch ref, `refs/heads/<name>`. */
  ref: string;
  /** Commit the ref now points at. */
  sha: string;
  /** Commit it pointed at before, or null for a new branch. Same hash algorithm as `sha`. */
  prev: string | null;
  /** Node id of the clone that has the commit (and can be fetched from). */
  node: string;
  /** Per-node counter, increasing with each announcement, for ordering and dedupe. */
  seq: number;
  /** Publisher's clock in ms since the epoch. Informational: order by `seq`, not by `time`. */
  time: number;
}

/** Bound on a serialized <announce/>; the largest valid one is under 1.8 KiB. */
export const MAX_ANNOUNCE_BYTES = 4096;

const ATTRIBUTES = ["version", "repo", "ref", "sha", "prev", "node", "seq", "time"] as const;
const SHA_MAX = 64;

/** The rules both directions share, so the encoder can never emit what the decoder refuses. */
function checkAnnouncement(a: CommitAnnouncement): void {
  if (typeof a !== "object" || a === null) throw new InvalidFieldError("announce", "must be an object");
  assertRepoId(a.repo, "announce.repo");
  assertBranchRef(a.ref, "announce.ref");
  assertSha(a.sha, "announce.sha");
  // git's null object id names no commit (git-update-ref(1): it means "absent"): nothing to fetch.
  if (/^0+$/.test(a.sha)) throw new InvalidFieldError("announce.sha", "must not be the null object id (all zeros)");
  if (a.prev !== null) {
    assertSha(a.prev, "announce.prev");
    if (a.prev.length !== a.sha.length) throw new InvalidFieldError("announce.prev", "must use the same hash algorithm as sha");
  }
  assertNodeId(a.node, "announce.node");
  assertSeq(a.seq, "announce.seq");
  if (!isTimestamp(a.time)) throw new InvalidFieldError("announce.time", "must be integer ms from 1970 to 9999");
}

/** `<announce xmlns="urn:herald:0" version="1" …/>`; throws a ProtocolError on invalid input. */
export function announcementToElement(a: CommitAnnouncement): Element {
  checkAnnouncement(a);
  return xml("announce", {
    xmlns: NS_HERALD,
    version: String(PROTOCOL_VERSION),
    repo: a.repo,
    ref: a.ref,
    sha: a.sha,
    ...(a.prev === null ? {} : { prev: a.prev }),
    node: a.node,
    seq: String(a.seq),
    time: formatDateTime(a.time),
  });
}

/** Strict decoder: throws a ProtocolError naming the first bad field. See decodePayload for a total one. */
export function announcementFromElement(el: Element): CommitAnnouncement {
  const e = openEnvelope(el, "announce", MAX_ANNOUNCE_BYTES);
  checkAttributes(e, "announce", ATTRIBUTES);
  checkEmpty(e, "announce");
  const a: CommitAnnouncement = {
    repo: requireAttr(e, "announce", "repo", MAX_ID_LENGTH),
    ref: requireAttr(e, "announce", "ref", MAX_REF_BYTES),
    sha: requireAttr(e, "announce", "sha", SHA_MAX),
    prev: readAttr(e, "announce", "prev", SHA_MAX) ?? null,
    node: requireAttr(e, "announce", "node", MAX_ID_LENGTH),
    seq: readSeq(e, "announce"),
    time: readTime(e, "announce"),
  };
  checkAnnouncement(a);
  return a;
}
