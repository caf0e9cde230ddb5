import { isXmlChars, isXmlWhitespace, utf8ByteLength } from "./text.js";

describe("utf8ByteLength", () => {
  it.each([
    ["", 0],
    ["abc", 3],
    ["é", 2],
    ["€", 3],
    ["😀", 4], // one surrogate pair, one code point
    ["\ud800", 3], // lone surrogate: TextEncoder writes U+FFFD
  ])("%j is %i bytes", (s, n) => {
    expect(utf8ByteLength(s)).toBe(n);
  });
  it("agrees with TextEncoder", () => {
    const s = "refs/heads/fé😀\u0800\uffff\udc00x";
    expect(utf8ByteLength(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe("isXmlChars", () => {
  it("accepts ordinary text, tab/LF/CR and astral characters", () => {
    expect(isXmlChars("refs/heads/ünïcode😀\t\n\r")).toBe(true);
  });
  it.each([["\u0000"], ["\u0001"], ["\u001f"], ["\ud800"], ["a\udc00"], ["\ud83d"], ["\ufffe"], ["\uffff"]])(
    "rejects %j",
    (s) => {
      expect(isXmlChars(s)).toBe(false);
    },
  );
});

describe("isXmlWhitespace", () => {
  it("accepts only XML S characters", () => {
    expect(isXmlWhitespace(" \n\t\r ")).toBe(true);
    expect(isXmlWhitespace("")).toBe(true);
    expect(isXmlWhitespace("\u00a0")).toBe(false);
    expect(isXmlWhitespace(" x ")).toBe(false);
  });
});
