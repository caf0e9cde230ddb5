import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([["1s", 1000], ["90s", 90_000], ["30m", 1_800_000], ["2h", 7_200_000], ["1d", 86_400_000], ["500ms", 500], ["45", 45_000], [" 2m ", 120_000], ["1.5s", 1500]])(
    "%s → %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(["", "fast", "-1s", "0", "1w", "1s2", "1 h h"])("rejects %j", (text) => expect(parseDuration(text)).toBeNull());
  it("formats back", () => {
    expect([1000, 90_000, 1_800_000, 7_200_000, 250].map(formatDuration)).toEqual(["1s", "90s", "30m", "2h", "250ms"]);
  });
});
