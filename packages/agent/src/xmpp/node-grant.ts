// The owner's side of `herald peer add` on the repository's node: affiliate the allow-listed JIDs
// as publishers, then make the node whitelist-only (XEP-0060 §4.5, §8.9.2, §16.4.4). All or
// nothing: what the node was is read first (owner-only reads, so a node not ours fails before
// anything changes), and a step that fails afterwards (the grant, or the caller's next step) puts
// back what differs from it: the node it created goes, affiliations and models return.
import { within } from "./login-once.js";
import type { Affiliation, PubsubNode } from "./pubsub-node.js";

export const PRIVATE_NODE_CONFIG = {
  "pubsub#access_model": "whitelist",
  "pubsub#publish_model": "publishers",
} as const;

/** What of PubsubNode a grant uses. */
export type GrantableNode = Pick<PubsubNode, "node" | "ensure" | "affiliations" | "configuration" | "setAffiliations" | "configure" | "delete">;

/**
 * Affiliations first, then the access model: a node switched to whitelist before its peers are
 * affiliated would lock them out meanwhile. The owner keeps its own affiliation (not listed).
 */
export async function grantPeers(node: GrantableNode, owner: string, peers: readonly string[]): Promise<Record<string, string>> {
  const others = [...new Set(peers.map((p) => p.toLowerCase()))].filter((p) => p !== owner.toLowerCase());
  if (others.length) await node.setAffiliations(Object.fromEntries(others.map((p) => [p, "publisher" as const])));
  await node.configure(PRIVATE_NODE_CONFIG);
  return node.affiliations();
}

interface Before { created: boolean; affiliations: Record<string, string>; config: Record<string, string> }

/** Thrown when putting the node back failed too: it may be half granted. */
export class HalfGrantedError extends Error {
  constructor(override readonly cause: unknown, undoError: unknown) {
    super(`${(cause as Error).message}; putting the node back failed too (${(undoError as Error).message}): run herald peer add again`);
  }
}

/**
 * grantPeers, then `andThen` (the caller's own step, e.g. writing herald.peer), or neither.
 * Rejects with the first failure (a HalfGrantedError if the undo failed as well).
 */
export async function grantAllOrNothing(node: GrantableNode, owner: string, peers: readonly string[], timeoutMs: number, andThen: () => Promise<void> = async () => undefined): Promise<Record<string, string>> {
  const before = await within((async (): Promise<Before> => {
    const created = (await node.ensure()) === "created";
    return { created, affiliations: await node.affiliations(), config: created ? {} : await node.configuration() };
  })(), timeoutMs, "read the node");
  try {
    const granted = await within(grantPeers(node, owner, peers), timeoutMs, "grant");
    await andThen();
    return granted;
  } catch (e) {
    await within(undo(node, before), timeoutMs, "put the node back").catch((u: unknown) => { throw new HalfGrantedError(e, u); });
    throw e;
  }
}

/** Puts back what differs from `before` now (asked again: a failed step may have done part). */
async function undo(node: GrantableNode, before: Before): Promise<void> {
  if (before.created) return node.delete();
  const now = await node.affiliations();
  const changed = Object.keys({ ...now, ...before.affiliations }).filter((j) => now[j] !== before.affiliations[j]);
  if (changed.length) await node.setAffiliations(Object.fromEntries(changed.map((j) => [j, (before.affiliations[j] ?? "none") as Affiliation])));
  const config = await node.configuration();
  const models = Object.keys(PRIVATE_NODE_CONFIG).filter((k) => before.config[k] && config[k] !== before.config[k]);
  if (models.length) await node.configure(Object.fromEntries(models.map((k) => [k, before.config[k]!])));
}
