// String measurements shared by the validators and the size bound. No Buffer: this package is pure.

/** Bytes `s` takes in UTF-8, the encoding of XMPP streams (RFC 6120 §11.6) and of git ref names on disk. */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3; // BMP char, or a lone surrogate (encoded as U+FFFD)
  }
  return bytes;
}

/**
 * True when every character of `s` may appear in an XML 1.0 document (the `Char` production,
 * https://www.w3.org/TR/xml/#NT-Char) and `s` has no lone UTF-16 surrogate. A string failing this
 * would either make the stanza ill-formed or be silently changed (to U+FFFD) on its way to UTF-8.
 */
export function isXmlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      if (i + 1 >= s.length || !isLowSurrogate(s.charCodeAt(i + 1))) return false;
      i++;
    } else if (isLowSurrogate(c) || c === 0xfffe || c === 0xffff) return false;
  }
  return true;
}

/** XML's `S` production: the only text allowed between Herald elements (pretty-printing). */
export function isXmlWhitespace(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
