import { createLogger, formatHuman, type LogRecord } from "./log.js";

const fixed = () => new Date("2026-11-25T16:45:06.123Z");

describe("logger", () => {
  it("writes one record per event with the loop name, and masks secrets", () => {
    const seen: LogRecord[] = [];
    const log = createLogger([(r) => seen.push(r)], "info", fixed).child("pusher");
    log.info("pushed", { remote: "b", password: "hunter2", HERALD_PASSWORD: "x", token: "t" });
    expect(seen).toEqual([{ t: "2026-11-25T16:45:06.123Z", level: "info", event: "pushed", loop: "pusher", remote: "b", password: "***", HERALD_PASSWORD: "***", token: "***" }]);
  });
  it("drops records below the level", () => {
    const seen: LogRecord[] = [];
    const log = createLogger([(r) => seen.push(r)], "warn", fixed);
    log.info("a");
    log.debug("b");
    log.error("c");
    expect(seen.map((r) => r.event)).toEqual(["c"]);
  });
  it("formats a compact human line", () => {
    expect(formatHuman({ t: "2026-11-25T16:45:06.123Z", level: "info", event: "pushed", loop: "pusher", remote: "b", note: "two words" }))
      .toBe('16:45:06.123 info  pusher pushed remote=b note="two words"');
  });
});
