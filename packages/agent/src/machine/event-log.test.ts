import { EventLog } from "./event-log.js";

describe("EventLog", () => {
  it("numbers events one by one and replays those after an id", () => {
    const log = new EventLog(10, () => new Date(0));
    const seen: number[] = [];
    log.listen((e) => seen.push(e.id));
    log.append("commit", { sha: "a" }, "r1");
    log.append("log", { event: "paused" });
    log.append("head", { sha: "b" }, "r1");
    expect(seen).toEqual([1, 2, 3]);
    expect(log.last).toBe(3);
    expect(log.since(1)!.map((e) => e.id)).toEqual([2, 3]);
    expect(log.since(3)).toEqual([]);
    expect(log.since(0)![0]).toEqual({ id: 1, time: "1970-01-01T00:00:00.000Z", type: "commit", repo: "r1", data: { sha: "a" } });
  });

  it("says when the events asked for are no longer kept", () => {
    const log = new EventLog(2);
    for (let i = 0; i < 5; i++) log.append("log", {});
    expect(log.since(2)).toBeNull();
    expect(log.since(3)!.map((e) => e.id)).toEqual([4, 5]);
  });

  it("gives the newest events of one type, oldest first (the log tail)", () => {
    const log = new EventLog();
    for (const [type, n] of [["log", 1], ["commit", 2], ["log", 3], ["log", 4], ["pushed", 5]] as const) log.append(type, { n });
    expect(log.recent("log", 2).map((e) => e.data.n)).toEqual([3, 4]);
    expect(log.recent("log", 10).map((e) => e.data.n)).toEqual([1, 3, 4]);
    expect(log.recent("merged", 5)).toEqual([]);
  });
});
