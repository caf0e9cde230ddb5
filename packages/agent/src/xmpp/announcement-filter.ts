// Pure: whether an item from the repo's pubsub node may make this agent fetch anything.
// Trust comes from the server-stamped publisher (XEP-0060 §7.1.2.1 with Prosody's
// expose_publisher / pubsub#itemreply=publisher), never from the payload; the payload only names
// a node and a sha, never a URL, path or git option (validated by @herald/protocol).
import { decodePayload, type CommitAnnouncement } from "@herald/protocol";
import type { PubsubItem } from "./pubsub-node.js";

export interface FilterContext {
  repo: string;
  self: string;
  /** this agent's own bare JID: its own items come back to it and are not a stranger's */
  selfJid?: string;
  /** bare JIDs allowed to announce (herald.peer), lower case */
  peers: ReadonlySet<string>;
  branch: string;
  /** the highest sequence number already acted on, per origin node */
  lastSeq: ReadonlyMap<string, number>;
}

export type Verdict =
  | { action: "act"; announcement: CommitAnnouncement; publisher: string }
  | { action: "ignore"; reason: "own" | "other-branch" | "old" }
  | { action: "drop"; reason: "no-publisher" | "stranger" | "malformed" | "other-repo" | "replay"; detail?: string };

export function bareJid(jid: string): string {
  return jid.split("/")[0]!.toLowerCase();
}

export function judgeItem(item: PubsubItem, ctx: FilterContext, catchUp = false): Verdict {
  if (!item.publisher) return { action: "drop", reason: "no-publisher" };
  const publisher = bareJid(item.publisher);
  if (ctx.selfJid !== undefined && publisher === ctx.selfJid) return { action: "ignore", reason: "own" };
  if (!ctx.peers.has(publisher)) return { action: "drop", reason: "stranger", detail: publisher };
  const decoded = decodePayload(item.payload);
  if (!decoded.ok) return { action: "drop", reason: "malformed", detail: decoded.error.message };
  if (decoded.value.kind !== "announce") return { action: "ignore", reason: "other-branch" };
  const a = decoded.value.announcement;
  if (a.repo !== ctx.repo) return { action: "drop", reason: "other-repo", detail: a.repo };
  if (a.node === ctx.self) return { action: "ignore", reason: "own" };
  if (a.ref !== ctx.branch) return { action: "ignore", reason: "other-branch" };
  const last = ctx.lastSeq.get(a.node);
  // A live event with a sequence number at or below one already acted on is a replay; the
  // catch-up read after a reconnect legitimately returns the item we already saw.
  if (last !== undefined && a.seq <= last) return catchUp ? { action: "ignore", reason: "old" } : { action: "drop", reason: "replay", detail: `${a.node} seq ${a.seq} <= ${last}` };
  return { action: "act", announcement: a, publisher };
}
