// Presence subscriptions between Herald's accounts: a request from an allow-listed peer
// (herald.peer, already trusted with our announcements) is approved, so its `herald doctor` can
// tell a running agent that has not committed yet from one that never ran. Anyone else's request
// is left unanswered (pending), as a person's client would leave it.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { bareJid } from "./announcement-filter.js";

/** Pure: the stanza to answer `st` with, or null. */
export function subscriptionAnswer(st: Element, isPeer: (bareJid: string) => boolean): Element | null {
  if (st.name !== "presence" || st.attrs.type !== "subscribe" || typeof st.attrs.from !== "string") return null;
  const who = bareJid(st.attrs.from);
  return isPeer(who) ? xml("presence", { to: who, type: "subscribed" }) : null;
}
