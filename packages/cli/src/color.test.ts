import { colorEnabled, palette } from "./color.js";

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

describe("colorEnabled", () => {
  it("colours a terminal", () => expect(colorEnabled(tty, {})).toBe(true));
  it("never colours a pipe or file", () => expect(colorEnabled(pipe, {})).toBe(false));
  it("obeys NO_COLOR (any non-empty value)", () => {
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(true);
  });
  it("never colours TERM=dumb", () => expect(colorEnabled(tty, { TERM: "dumb" })).toBe(false));
});

describe("palette", () => {
  it("is the identity when colour is off", () => expect(palette(false).red("x")).toBe("x"));
  it("wraps in SGR codes when on", () => expect(palette(true).red("x")).toBe("\x1b[31mx\x1b[39m"));
});
