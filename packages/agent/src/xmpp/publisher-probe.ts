// Trust in an announcement rests on the publisher the server stamps on each item (XEP-0060
// §7.1.2.1; announcement-filter.ts). A stock Prosody does not stamp it (expose_publisher is off),
// and then every announcement is dropped: sync over XMPP silently does nothing. The probe finds
// out before that happens: publish an item that every agent ignores, read it back, retract it.
import { encodePayload } from "@herald/protocol";
import type { PubsubNode } from "./pubsub-node.js";

export const PUBLISHER_FIX = "Prosody: set expose_publisher = true on the pubsub component; ejabberd: itemreply: publisher";

/** Whether the server stamps publishers on `node`'s items (the node must exist). */
export async function serverStampsPublisher(node: PubsubNode, who: string): Promise<boolean> {
  const id = `probe ${who} ${Date.now()}`;
  await node.publish(id, encodePayload({ kind: "probe" }));
  try {
    const item = (await node.items()).find((i) => i.id === id);
    return item?.publisher !== undefined;
  } finally {
    await node.retract(id).catch(() => undefined);
  }
}

