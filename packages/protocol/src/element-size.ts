// A bounded measure of an element's serialized size, so hostile payloads are refused before any
// validation work. Mirrors ltx Element#write byte for byte (UTF-8) but stops once over `limit`.
import { isElementLike } from "./element.js";

// Extra bytes each character costs once escaped: ltx escapeXML (attributes) / escapeXMLText (text).
const ATTR_ESCAPE: Readonly<Record<string, number>> = { "&": 4, "<": 3, ">": 3, '"': 5, "'": 5 };
const TEXT_ESCAPE: Readonly<Record<string, number>> = { "&": 4, "<": 3, ">": 3 };

function escapedBytes(s: string, extra: Readonly<Record<string, number>>, budget: number): number {
  if (s.length > budget) return budget + 1; // every UTF-16 unit is at least one byte
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= budget; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1 + (extra[s[i] as string] ?? 0);
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3; // lone surrogates become U+FFFD, also 3 bytes
  }
  return bytes;
}

/**
 * UTF-8 length of `el.toString()`, or any number greater than `limit` once it is known to be
 * larger. Terminates on cyclic or absurdly wide input: every node visited costs at least a byte.
 */
export function serializedSize(el: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [el];
  while (stack.length > 0 && total <= limit) {
    const node = stack.pop();
    const left = limit - total;
    if (typeof node === "string") total += Math.max(1, escapedBytes(node, TEXT_ESCAPE, left));
    else if (typeof node === "number") total += String(node).length;
    else if (!isElementLike(node)) total += 1; // null, or junk that content checks refuse later
    else {
      total += 1 + escapedBytes(node.name, {}, left); // "<name"
      for (const key in node.attrs) {
        if (total > limit) break;
        const value = node.attrs[key];
        if (value === null || value === undefined) continue; // ltx skips these
        const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "?";
        total += 4 + escapedBytes(key, {}, limit - total) + escapedBytes(text, ATTR_ESCAPE, limit - total); // ' k="v"'
      }
      if (node.children.length === 0) total += 2; // "/>"
      else {
        total += 4 + escapedBytes(node.name, {}, limit - total); // ">" ... "</name>"
        if (node.children.length > limit - total) return limit + 1; // each child costs a byte or more
        for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
      }
    }
  }
  return total;
}
