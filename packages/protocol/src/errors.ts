// Typed decode/encode errors. Callers branch on the stable `code` and read `field`
// (a dotted path such as "announce.sha" or "map.edge[3].cost"), never on message text.

export type ProtocolErrorCode =
  | "INVALID_FIELD" // attribute present but malformed
  | "MISSING_FIELD" // required attribute absent
  | "WRONG_NAMESPACE" // element is not in urn:herald:0
  | "UNKNOWN_ELEMENT" // element name is not a Herald message (maybe a newer one)
  | "UNEXPECTED_CONTENT" // child element, text or attribute a known message must not have
  | "UNSUPPORTED_VERSION" // version attribute this build does not speak
  | "PAYLOAD_TOO_LARGE" // element, attribute or edge list over its bound
  | "MALFORMED_ELEMENT"; // not an XML element at all

/** Quote untrusted text for a message: escaped (no control chars reach logs) and truncated. */
export function quote(value: unknown, max = 40): string {
  const s = typeof value === "string" ? value : String(typeof value);
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** An untrusted element or attribute name, fit for `field` and messages: bounded, no control chars. */
export function printable(name: string, max = 64): string {
  const cut = name.length > max ? `${name.slice(0, max)}…` : name;
  return cut.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, "?");
}

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
  toJSON(): { name: string; code: ProtocolErrorCode; field: string; message: string } {
    return { name: this.name, code: this.code, field: this.field, message: this.message };
  }
}

export class InvalidFieldError extends ProtocolError {
  declare readonly code: "INVALID_FIELD";
  constructor(
    field: string,
    readonly reason: string,
  ) {
    super("INVALID_FIELD", field, `invalid ${field}: ${reason}`);
  }
}

export class MissingFieldError extends ProtocolError {
  declare readonly code: "MISSING_FIELD";
  constructor(field: string) {
    super("MISSING_FIELD", field, `missing ${field}`);
  }
}

export class WrongNamespaceError extends ProtocolError {
  declare readonly code: "WRONG_NAMESPACE";
  constructor(
    element: string,
    readonly namespace: string | undefined,
    expected: string,
  ) {
    super("WRONG_NAMESPACE", element, `<${element}> is in namespace ${quote(namespace ?? "")}, expected ${expected}`);
  }
}

export class UnknownElementError extends ProtocolError {
  declare readonly code: "UNKNOWN_ELEMENT";
  constructor(element: string, expected: string) {
    super("UNKNOWN_ELEMENT", element, `unknown element <${element}>, expected ${expected}`);
  }
}

export class UnexpectedContentError extends ProtocolError {
  declare readonly code: "UNEXPECTED_CONTENT";
  /** `found` is `<name>` for a child element, `text` or `attribute "name"`. */
  constructor(
    field: string,
    readonly found: string,
  ) {
    super("UNEXPECTED_CONTENT", field, `unexpected ${found} in ${field}`);
  }
}

export class UnsupportedVersionError extends ProtocolError {
  declare readonly code: "UNSUPPORTED_VERSION";
  /** The version received, bounded by `printable`: it arrives before the size check. */
  readonly version: string;
  constructor(field: string, version: string, supported: number) {
    super("UNSUPPORTED_VERSION", field, `unsupported ${field} ${quote(version)}: this build speaks version ${supported}`);
    this.version = printable(version);
  }
}

export class PayloadTooLargeError extends ProtocolError {
  declare readonly code: "PAYLOAD_TOO_LARGE";
  constructor(
    field: string,
    readonly limit: number,
    readonly unit: "bytes" | "edges",
  ) {
    super("PAYLOAD_TOO_LARGE", field, `${field} is too large: the limit is ${limit} ${unit}`);
  }
}

export class MalformedElementError extends ProtocolError {
  declare readonly code: "MALFORMED_ELEMENT";
  constructor(reason: string) {
    super("MALFORMED_ELEMENT", "payload", `malformed payload: ${reason}`);
  }
}
