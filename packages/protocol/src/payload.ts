// The closed set of Herald payloads and a total decoder for them: any input, however hostile,
// yields a value or a typed ProtocolError, never an exception (git-annex's decodeStanza).
import xml, { type Element } from "@xmpp/xml";
import { announcementFromElement, announcementToElement, type CommitAnnouncement } from "./announcement.js";
import { isElementLike, localName, namespaceOf } from "./element.js";
import { MalformedElementError, printable, ProtocolError, UnknownElementError, WrongNamespaceError } from "./errors.js";
import { NS_HERALD } from "./namespace.js";
import { networkMapFromElement, networkMapToElement, type NetworkMapAdvert } from "./network-map.js";

/** `probe`: `herald doctor` and `herald init` publish one to see whether the server stamps the
 * publisher on items (they read it back, then retract it); every agent ignores it. */
export type Payload = { kind: "announce"; announcement: CommitAnnouncement } | { kind: "map"; advert: NetworkMapAdvert } | { kind: "probe" };

export type DecodeResult = { ok: true; value: Payload } | { ok: false; error: ProtocolError };

/**
 * Decodes one XEP-0060 item payload. Never throws. Each decoder checks namespace, name and
 * version, then the size bound (4 KiB announce, 64 KiB map), before it reads any field.
 */
export function decodePayload(el: unknown): DecodeResult {
  try {
    if (!isElementLike(el)) return failure(new MalformedElementError("not an XML element"));
    const name = printable(localName(el));
    const ns = namespaceOf(el);
    if (ns !== NS_HERALD) return failure(new WrongNamespaceError(name, ns, NS_HERALD));
    switch (name) {
      case "announce":
        return { ok: true, value: { kind: "announce", announcement: announcementFromElement(el as Element) } };
      case "map":
        return { ok: true, value: { kind: "map", advert: networkMapFromElement(el as Element) } };
      case "probe":
        return { ok: true, value: { kind: "probe" } };
      default:
        // Maybe a message type from a newer Herald: the caller may ignore it quietly.
        return failure(new UnknownElementError(name, "<announce>, <map> or <probe>"));
    }
  } catch (error) {
    if (error instanceof ProtocolError) return failure(error);
    // Only hostile objects get here (throwing getters, proxies, stack overflow); report, don't crash.
    return failure(new MalformedElementError(error instanceof Error ? printable(error.message) : "unreadable element"));
  }
}

/** The inverse of decodePayload; throws a ProtocolError on invalid input, like the per-type encoders. */
export function encodePayload(payload: Payload): Element {
  if (payload.kind === "probe") return xml("probe", { xmlns: NS_HERALD });
  return payload.kind === "announce" ? announcementToElement(payload.announcement) : networkMapToElement(payload.advert);
}

function failure(error: ProtocolError): DecodeResult {
  return { ok: false, error };
}
