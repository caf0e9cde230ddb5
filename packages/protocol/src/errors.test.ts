import {
  InvalidFieldError,
  MalformedElementError,
  PayloadTooLargeError,
  ProtocolError,
  UnexpectedContentError,
  UnsupportedVersionError,
  WrongNamespaceError,
  printable,
  quote,
} from "./errors.js";

describe("protocol errors", () => {
  it("format InvalidFieldError as 'invalid <field>: <reason>'", () => {
    const e = new InvalidFieldError("announce.sha", "must be 40 or 64 lowercase hex digits");
    expect(e.message).toBe("invalid announce.sha: must be 40 or 64 lowercase hex digits");
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: "InvalidFieldError", code: "INVALID_FIELD", field: "announce.sha", reason: "must be 40 or 64 lowercase hex digits" });
  });
  it("serialize to JSON with code and field for logs", () => {
    expect(JSON.parse(JSON.stringify(new PayloadTooLargeError("map", 65536, "bytes")))).toEqual({
      name: "PayloadTooLargeError",
      code: "PAYLOAD_TOO_LARGE",
      field: "map",
      message: "map is too large: the limit is 65536 bytes",
    });
  });
  it("keep hostile input out of messages: quoted, escaped, truncated", () => {
    const e = new UnsupportedVersionError("announce.version", `2\u001b[31m${"x".repeat(1000)}`, 1);
    expect(e.message).not.toContain("\u001b");
    expect(e.message.length).toBeLessThan(120);
    expect(e.version).toBe(`2?[31m${"x".repeat(58)}…`); // 64 chars: bounded too: it may be a megabyte
    expect(new WrongNamespaceError("announce", undefined, "urn:herald:0").message).toBe('<announce> is in namespace "", expected urn:herald:0');
  });
  it("name other content and the malformed case", () => {
    expect(new UnexpectedContentError("announce", "<junk>").message).toBe("unexpected <junk> in announce");
    expect(new MalformedElementError("not an XML element")).toMatchObject({ code: "MALFORMED_ELEMENT", field: "payload" });
  });
});

describe("quote / printable", () => {
  it("bound and sanitize untrusted text", () => {
    expect(quote("a\nb")).toBe('"a\\nb"');
    expect(quote("y".repeat(50), 4)).toBe('"yyyy…"');
    expect(quote(42)).toBe('"number"');
    expect(printable("a\u0000b\u2028c\u009b")).toBe("a?b?c?");
    expect(printable("z".repeat(100))).toHaveLength(65);
  });
});
