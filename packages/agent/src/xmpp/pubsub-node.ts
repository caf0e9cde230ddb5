// XEP-0060 operations on one node of a pubsub service: create (with a fitting configuration),
// subscribe with the bare JID, publish, fetch recent items, and read items out of event messages.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { XmppStanzaError } from "../errors.js";
import type { Session } from "./session.js";

export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_EVENT = `${NS_PUBSUB}#event`;
export const NS_PUBSUB_OWNER = `${NS_PUBSUB}#owner`;
const NS_DATA = "jabber:x:data";

export interface PubsubItem {
  node: string;
  id: string;
  /** Set by the server (Prosody expose_publisher, XEP-0060 §7.1.2.1 `publisher`), never by the sender. */
  publisher?: string;
  payload?: Element;
}

/** XEP-0004 submit form; FORM_TYPE names the registry (XEP-0060 §16.4). */
function form(type: string, fields: Record<string, string | number>): Element {
  return xml("x", { xmlns: NS_DATA, type: "submit" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, type)),
    ...Object.entries(fields).map(([k, v]) => xml("field", { var: k }, xml("value", {}, String(v)))));
}

/**
 * Node settings for announcements (XEP-0060 §8.1.3): items persist so a reconnecting agent can
 * catch up (§6.5), a bounded history (one item per branch ref: the item id is the ref), notifications
 * as headlines (no offline storage: catch-up reads items instead), publisher exposed to subscribers.
 */
export const ANNOUNCE_NODE_CONFIG = {
  "pubsub#persist_items": 1,
  "pubsub#max_items": 64,
  "pubsub#publish_model": "open",
  "pubsub#send_last_published_item": "never",
  "pubsub#deliver_payloads": 1,
  "pubsub#notification_type": "headline",
  "pubsub#itemreply": "publisher",
} as const;

/** XEP-0060 §4.1 affiliations an owner may hand out. */
export type Affiliation = "owner" | "publisher" | "publish-only" | "member" | "none" | "outcast";

export class PubsubNode {
  constructor(private readonly session: Session, readonly service: string, readonly node: string) {}

  #iq(type: "get" | "set", child: Element): Promise<Element> {
    return this.session.request(xml("iq", { type, to: this.service }, xml("pubsub", { xmlns: NS_PUBSUB }, child)));
  }

  /** Creates the node if it does not exist; an existing node (`conflict`) is fine. */
  async ensure(config: Record<string, string | number> = ANNOUNCE_NODE_CONFIG): Promise<"created" | "exists"> {
    try {
      await this.session.request(xml("iq", { type: "set", to: this.service },
        xml("pubsub", { xmlns: NS_PUBSUB }, xml("create", { node: this.node }),
          xml("configure", {}, form(`${NS_PUBSUB}#node_config`, config)))));
      return "created";
    } catch (e) {
      if (e instanceof XmppStanzaError && e.condition === "conflict") return "exists";
      // Some servers reject an unknown config field; create with defaults rather than not at all.
      if (e instanceof XmppStanzaError && (e.condition === "not-acceptable" || e.condition === "bad-request")) {
        await this.#iq("set", xml("create", { node: this.node })).catch((e2) => {
          if (!(e2 instanceof XmppStanzaError && e2.condition === "conflict")) throw e2;
        });
        return "created";
      }
      throw e;
    }
  }

  /** Subscribe the bare JID: every available resource gets the events (XEP-0060 §6.1). */
  async subscribe(): Promise<void> {
    await this.#iq("set", xml("subscribe", { node: this.node, jid: this.session.bareJid }));
  }

  /** Drop the bare JID's subscription (XEP-0060 §6.2): a repository no longer served. */
  async unsubscribe(): Promise<void> {
    await this.#iq("set", xml("unsubscribe", { node: this.node, jid: this.session.bareJid }));
  }

  async publish(itemId: string, payload: Element): Promise<void> {
    await this.#iq("set", xml("publish", { node: this.node }, xml("item", { id: itemId }, payload)));
  }

  /** Remove one item (XEP-0060 §7.2), without notifying subscribers. */
  async retract(itemId: string): Promise<void> {
    await this.#iq("set", xml("retract", { node: this.node }, xml("item", { id: itemId })));
  }

  /** The owner changes the node's configuration (XEP-0060 §8.2.4: a submitted node_config form). */
  async configure(config: Record<string, string | number>): Promise<void> {
    await this.session.request(xml("iq", { type: "set", to: this.service },
      xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("configure", { node: this.node }, form(`${NS_PUBSUB}#node_config`, config)))));
  }

  /** The node's configuration as its owner sees it (XEP-0060 §8.2.1): field var → first value. */
  async configuration(): Promise<Record<string, string>> {
    const res = await this.session.request(xml("iq", { type: "get", to: this.service },
      xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("configure", { node: this.node }))));
    const fields = res.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")?.getChild("x", NS_DATA)?.getChildren("field") ?? [];
    return Object.fromEntries(fields.filter((f) => typeof f.attrs.var === "string").map((f) => [String(f.attrs.var), f.getChildText("value") ?? ""]));
  }

  /** The owner deletes the node (XEP-0060 §8.4). */
  async delete(): Promise<void> {
    await this.session.request(xml("iq", { type: "set", to: this.service },
      xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("delete", { node: this.node }))));
  }

  /** The owner sets affiliations, e.g. `publisher` (XEP-0060 §8.9.2; §4.1 lists what each may do). */
  async setAffiliations(affiliations: Record<string, Affiliation>): Promise<void> {
    await this.session.request(xml("iq", { type: "set", to: this.service },
      xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("affiliations", { node: this.node },
        ...Object.entries(affiliations).map(([jid, affiliation]) => xml("affiliation", { jid, affiliation }))))));
  }

  /** The node's affiliations as its owner sees them (XEP-0060 §8.9.1), bare JIDs in lower case. */
  async affiliations(): Promise<Record<string, string>> {
    const res = await this.session.request(xml("iq", { type: "get", to: this.service },
      xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("affiliations", { node: this.node }))));
    const list = res.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("affiliations")?.getChildren("affiliation") ?? [];
    return Object.fromEntries(list.map((a) => [String(a.attrs.jid).toLowerCase(), String(a.attrs.affiliation)]));
  }

  /** The node's persisted items (XEP-0060 §6.5), for catch-up after a (re)connect. */
  async items(max?: number): Promise<PubsubItem[]> {
    const res = await this.#iq("get", xml("items", { node: this.node, ...(max ? { max_items: String(max) } : {}) }));
    const items = res.getChild("pubsub", NS_PUBSUB)?.getChild("items");
    return items ? readItems(items, this.node) : [];
  }
}

/** Items carried by a pubsub event message (XEP-0060 §7.1.2.1); retractions are ignored. */
export function eventItems(stanza: Element, from: string): PubsubItem[] {
  if (!stanza.is("message") || stanza.attrs.from !== from) return [];
  const items = stanza.getChild("event", NS_PUBSUB_EVENT)?.getChild("items");
  if (!items || typeof items.attrs.node !== "string") return [];
  return readItems(items, items.attrs.node);
}

function readItems(items: Element, node: string): PubsubItem[] {
  return items.getChildren("item").map((it) => {
    const payload = it.children.find((c): c is Element => typeof c !== "string");
    return {
      node,
      id: String(it.attrs.id ?? ""),
      ...(typeof it.attrs.publisher === "string" ? { publisher: it.attrs.publisher } : {}),
      ...(payload ? { payload } : {}),
    };
  });
}
