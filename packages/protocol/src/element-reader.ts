// Strict reading of one Herald element: envelope first (cheap checks and the size bound), then
// the closed attribute set, then each field with its own length cap before any parsing.
import { formatDateTime, MAX_DATETIME_LENGTH, parseDateTime } from "./datetime.js";
import { type ElementLike, isElementLike, localName, namespaceOf, ownAttr } from "./element.js";
import { serializedSize } from "./element-size.js";
import {
  InvalidFieldError,
  MalformedElementError,
  MissingFieldError,
  PayloadTooLargeError,
  printable,
  UnexpectedContentError,
  UnknownElementError,
  UnsupportedVersionError,
  WrongNamespaceError,
} from "./errors.js";
import { NS_HERALD, PROTOCOL_VERSION } from "./namespace.js";
import { isSeq } from "./validate.js";
import { isXmlWhitespace, utf8ByteLength } from "./text.js";

/**
 * Checks that `value` is `<name xmlns="urn:herald:0" version="1">` and at most `maxBytes` when
 * serialized. Namespace and name come first so that other payloads are told apart cheaply.
 */
export function openEnvelope(value: unknown, name: string, maxBytes: number): ElementLike {
  if (!isElementLike(value)) throw new MalformedElementError("not an XML element");
  const local = printable(localName(value));
  const ns = namespaceOf(value);
  if (ns !== NS_HERALD) throw new WrongNamespaceError(local, ns, NS_HERALD);
  if (local !== name) throw new UnknownElementError(local, `<${name}>`);
  const version = ownAttr(value, "version");
  if (version === undefined || version === null) throw new MissingFieldError(`${name}.version`);
  if (version !== String(PROTOCOL_VERSION)) {
    throw new UnsupportedVersionError(`${name}.version`, typeof version === "string" ? version : typeof version, PROTOCOL_VERSION);
  }
  if (serializedSize(value, maxBytes) > maxBytes) throw new PayloadTooLargeError(name, maxBytes, "bytes");
  return value;
}

/** Refuses attributes outside `allowed`, except namespace declarations and the reserved xml:*. */
export function checkAttributes(el: ElementLike, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(el.attrs)) {
    const value = el.attrs[key];
    if (value === undefined || value === null) continue; // ltx never serializes these
    if (key === "xmlns" || key.startsWith("xmlns:") || key.startsWith("xml:")) continue;
    if (!allowed.includes(key)) throw new UnexpectedContentError(path, `attribute ${JSON.stringify(printable(key))}`);
  }
}

/** The element children of `el`. Whitespace text (pretty-printing) is allowed; other text is not. */
export function elementChildren(el: ElementLike, path: string): ElementLike[] {
  const elements: ElementLike[] = [];
  for (const child of el.children) {
    if (child === null || child === undefined) continue;
    if (typeof child === "string" && isXmlWhitespace(child)) continue;
    if (typeof child === "string" || typeof child === "number") throw new UnexpectedContentError(path, "text");
    if (!isElementLike(child)) throw new UnexpectedContentError(path, "non-XML node");
    elements.push(child);
  }
  return elements;
}

/** Refuses any child element or text inside `el`. */
export function checkEmpty(el: ElementLike, path: string): void {
  const [first] = elementChildren(el, path);
  if (first !== undefined) throw new UnexpectedContentError(path, `<${printable(localName(first))}>`);
}

/** An optional attribute as a string, refused before inspection if longer than `maxBytes`. */
export function readAttr(el: ElementLike, path: string, key: string, maxBytes: number): string | undefined {
  const value = ownAttr(el, key);
  if (value === undefined || value === null) return undefined;
  const field = `${path}.${key}`;
  if (typeof value !== "string") throw new InvalidFieldError(field, "must be a string");
  if (value.length > maxBytes || utf8ByteLength(value) > maxBytes) throw new PayloadTooLargeError(field, maxBytes, "bytes");
  return value;
}

export function requireAttr(el: ElementLike, path: string, key: string, maxBytes: number): string {
  const value = readAttr(el, path, key, maxBytes);
  if (value === undefined) throw new MissingFieldError(`${path}.${key}`);
  return value;
}

/** Decimal digits of Number.MAX_SAFE_INTEGER. */
const MAX_SEQ_DIGITS = 16;

/** seq="N": canonical decimal (no sign, no leading zeros, no exponent), at most 2^53-1. */
export function readSeq(el: ElementLike, path: string): number {
  const text = requireAttr(el, path, "seq", MAX_SEQ_DIGITS);
  const seq = Number(text);
  if (!/^(?:0|[1-9][0-9]*)$/.test(text) || !isSeq(seq)) {
    throw new InvalidFieldError(`${path}.seq`, "must be a decimal integer from 0 to 2^53-1 without sign or leading zeros");
  }
  return seq;
}

/** time="…": an XEP-0082 DateTime, returned as ms since the epoch. */
export function readTime(el: ElementLike, path: string): number {
  const time = parseDateTime(requireAttr(el, path, "time", MAX_DATETIME_LENGTH));
  if (time === null) {
    throw new InvalidFieldError(`${path}.time`, `must be an XEP-0082 DateTime from 1970 to 9999, e.g. ${formatDateTime(0)}`);
  }
  return time;
}
