import { dueRemotes, emptyQueue, nextWake, parseQueue, postpone, recordFailure, recordSuccess } from "./retry-queue.js";

describe("retry queue", () => {
  it("schedules a failed remote one interval later and counts attempts", () => {
    let q = recordFailure(emptyQueue, "usb", 1000, 500, "gone");
    q = recordFailure(q, "usb", 1600, 500, "still gone");
    expect(q.usb).toEqual({ firstFailure: 1000, lastFailure: 1600, attempts: 2, nextAt: 2100, error: "still gone" });
    expect(dueRemotes(q, 2099)).toEqual([]);
    expect(dueRemotes(q, 2100)).toEqual(["usb"]);
  });
  it("forgets a remote on success and is empty when healthy", () => {
    const q = recordSuccess(recordFailure(emptyQueue, "a", 0, 10, "x"), "a");
    expect(q).toEqual({});
    expect(nextWake(q)).toBeNull();
    expect(recordSuccess(q, "never-failed")).toBe(q);
  });
  it("wakes at the earliest due entry", () => {
    const q = recordFailure(recordFailure(emptyQueue, "a", 0, 300, "x"), "b", 100, 50, "y");
    expect(nextWake(q)).toBe(150);
    expect(dueRemotes(q, 400)).toEqual(["a", "b"]);
  });
  it("survives a JSON round trip and drops malformed entries", () => {
    const q = recordFailure(emptyQueue, "a", 5, 10, "x");
    expect(parseQueue(JSON.parse(JSON.stringify(q)))).toEqual(q);
    expect(parseQueue({ a: { nextAt: "soon" }, b: null })).toEqual({});
    expect(parseQueue("junk")).toEqual({});
  });
});

describe("postpone", () => {
  it("moves only the named entries one interval out, keeping their attempt count", () => {
    const q = recordFailure(recordFailure(emptyQueue, "a", 0, 10, "x"), "b", 0, 10, "y");
    const p = postpone(q, ["a"], 50, 100);
    expect(p.a).toEqual({ ...q.a, nextAt: 150 });
    expect(p.b).toEqual(q.b);
  });
});
