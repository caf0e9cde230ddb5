// Names Herald owns on the XMPP side.
import { assertRepoId } from "./validate.js";

/** XML namespace of every Herald payload; XEP-0060 §7.1 item payloads are namespaced elements. */
export const NS_HERALD = "urn:herald:0";

/** Wire version, sent as version="1" on every payload. Any change to a closed attribute set bumps it. */
export const PROTOCOL_VERSION = 1;

/**
 * The XEP-0060 pubsub node a repository's clones share: "herald/<repoId>". XEP-0060 NodeIDs are
 * opaque strings; a validated repo id keeps them short and free of characters services mangle.
 */
export function pubsubNodeName(repoId: string): string {
  assertRepoId(repoId, "repo");
  return `herald/${repoId}`;
}
