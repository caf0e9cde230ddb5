// Request/response for <iq/> that listens before it sends.
// @xmpp/client 0.14's iqCaller.request() awaits the socket write before it attaches its handler, so
// an error reply that beats the write callback becomes an unhandled rejection that kills Node
// (xmpp-test-server.md quirk 3). One stanza listener per client, O(1) lookup by id.
// A stream that ends answers none of its iqs (RFC 6120 §4.4: what was in flight is lost; a new
// stream, even to the same server, starts afresh): they are failed at the disconnect, not left to
// their timeout, so a caller such as the announcer is free for the next server at once.
import { randomUUID } from "node:crypto";
import type { Element } from "@xmpp/xml";
import { HeraldError, XmppStanzaError } from "../errors.js";

interface Pending { resolve(el: Element): void; reject(e: Error): void; timer: NodeJS.Timeout }
export interface StanzaEmitter {
  on(event: "stanza", fn: (el: Element) => void): unknown;
  on(event: "disconnect", fn: () => void): unknown;
  send(el: Element): Promise<unknown>;
}

const pendingByClient = new WeakMap<StanzaEmitter, Map<string, Pending>>();

function pendingFor(client: StanzaEmitter): Map<string, Pending> {
  let pending = pendingByClient.get(client);
  if (pending) return pending;
  const map = new Map<string, Pending>();
  client.on("stanza", (s: Element) => {
    if (!s.is("iq") || (s.attrs.type !== "result" && s.attrs.type !== "error")) return;
    const p = map.get(s.attrs.id);
    if (!p) return;
    map.delete(s.attrs.id);
    clearTimeout(p.timer);
    if (s.attrs.type === "result") p.resolve(s);
    else p.reject(XmppStanzaError.fromElement(s.getChild("error")));
  });
  client.on("disconnect", () => {
    const lost = [...map];
    map.clear();
    for (const [id, p] of lost) {
      clearTimeout(p.timer);
      p.reject(new HeraldError("XMPP_DISCONNECTED", `the connection closed before iq ${id} was answered`));
    }
  });
  pendingByClient.set(client, map);
  return map;
}

export function iqRequest(client: StanzaEmitter, iq: Element, timeoutMs = 15_000): Promise<Element> {
  const pending = pendingFor(client);
  const id = (iq.attrs.id ??= randomUUID());
  return new Promise<Element>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new XmppStanzaError("remote-server-timeout", `iq ${id} got no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, { resolve, reject, timer });
    client.send(iq).catch((e: Error) => {
      pending.delete(id);
      clearTimeout(timer);
      reject(e);
    });
  });
}
