import fc from "fast-check";
import { MAX_TIMESTAMP, formatDateTime, isTimestamp, parseDateTime } from "./datetime.js";

describe("formatDateTime", () => {
  it("writes XEP-0082 UTC with milliseconds", () => {
    expect(formatDateTime(Date.UTC(2026, 10, 25, 16, 45, 6, 123))).toBe("2026-11-25T16:45:06.123Z");
    expect(formatDateTime(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(formatDateTime(MAX_TIMESTAMP)).toBe("9999-12-31T23:59:59.999Z");
  });
  it.each([-1, 1.5, MAX_TIMESTAMP + 1, NaN])("refuses %p", (ms) => {
    expect(() => formatDateTime(ms)).toThrow(RangeError);
  });
});

describe("parseDateTime", () => {
  const t = Date.UTC(2026, 10, 25, 16, 45, 6, 123);
  it.each([
    ["2026-11-25T16:45:06.123Z", t],
    ["2026-11-25T16:45:06Z", t - 123],
    ["2026-11-25T16:45:06.1Z", t - 23],
    ["2026-11-25T16:45:06.123999999Z", t], // truncated, not rounded
    ["2026-11-25T17:45:06.123+01:00", t],
    ["2026-11-25T08:15:06.123-08:30", t],
    ["2026-11-26T06:45:06.123+14:00", t],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["1969-12-31T23:00:00-01:00", 0],
  ])("reads %s", (text, ms) => {
    expect(parseDateTime(text)).toBe(ms);
  });
  it.each([
    "2026-11-25 16:45:06Z", // XEP-0082 needs the T
    "2026-11-25T16:45:06", // and a time zone
    "2026-11-25T16:45Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-11-25T24:00:00Z",
    "2026-11-25T23:60:00Z",
    "2016-12-31T23:59:60Z", // leap seconds have no Date value
    "2026-11-25T16:45:06+15:00",
    "2026-11-25T16:45:06.Z",
    "2026-11-25T16:45:06.1234567890Z",
    "1969-12-31T23:59:59.999Z", // before the epoch
    "0070-01-01T00:00:00Z", // year 70, not 1970 as Date.UTC would have it
    "+12026-11-25T16:45:06Z",
    "２０２６-11-25T16:45:06Z",
    "",
  ])("rejects %j", (text) => {
    expect(parseDateTime(text)).toBeNull();
  });
  it("rejects over-long input without scanning it", () => {
    expect(parseDateTime("2026-11-25T16:45:06.123Z" + " ".repeat(1_000_000))).toBeNull();
  });
  it("inverts formatDateTime for every timestamp", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIMESTAMP }), (ms) => {
        expect(parseDateTime(formatDateTime(ms))).toBe(ms);
      }),
    );
  });
});

describe("isTimestamp", () => {
  it("is the range formatDateTime accepts", () => {
    expect(isTimestamp(0)).toBe(true);
    expect(isTimestamp(MAX_TIMESTAMP)).toBe(true);
    expect(isTimestamp(-1)).toBe(false);
    expect(isTimestamp(0.5)).toBe(false);
    expect(isTimestamp("0")).toBe(false);
  });
});
