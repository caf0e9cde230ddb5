import { bringForward, dueRemotes, emptyQueue, FIRST_RETRY_MS, nextWake, parseQueue, postpone, recordFailure, recordSuccess, REFUSED_RETRY_MAX_MS, retryDelay } from "./retry-queue.js";

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

describe("retry backoff", () => {
  const HALF_HOUR = 30 * 60_000;
  it("tries again after 2 s, doubling each failure, up to the interval", () => {
    let q = emptyQueue;
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      q = recordFailure(q, "hub", 0, HALF_HOUR, "away");
      delays.push(q.hub!.nextAt);
    }
    expect(delays.slice(0, 5)).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(delays[11]).toBe(HALF_HOUR);
    expect(Math.max(...delays)).toBe(HALF_HOUR);
  });
  it("a short interval caps the first delay too", () => {
    expect(retryDelay(1, 500)).toBe(500);
    expect(retryDelay(1, FIRST_RETRY_MS * 10)).toBe(FIRST_RETRY_MS);
  });
  it("success forgets the count: the next failure starts at 2 s again", () => {
    const q = recordFailure(recordSuccess(recordFailure(recordFailure(emptyQueue, "hub", 0, HALF_HOUR, "x"), "hub", 0, HALF_HOUR, "x"), "hub"), "hub", 0, HALF_HOUR, "x");
    expect(q.hub!.nextAt).toBe(FIRST_RETRY_MS);
  });
});

describe("a refused push (the remote is there and busy) against one that failed (away)", () => {
  const HOUR = 3_600_000;
  it("after eight failures an away remote waits minutes, a refusing one at most 30 s", () => {
    let away = emptyQueue, busy = emptyQueue;
    for (let i = 0; i < 8; i++) {
      away = recordFailure(away, "hub", 0, HOUR, "unreachable");
      busy = recordFailure(busy, "hub", 0, HOUR, "still rejected as non-fast-forward", true);
    }
    expect(away.hub!.nextAt).toBe(FIRST_RETRY_MS * 2 ** 7); // 256 s
    expect(busy.hub!.nextAt).toBe(REFUSED_RETRY_MAX_MS);
    expect(postpone(busy, ["hub"], 1000, HOUR).hub!.nextAt).toBe(1000 + REFUSED_RETRY_MAX_MS);
    expect(busy.hub!.attempts).toBe(8);
  });
  it("the first refusal is retried as soon as a failure, and an outage after it grows again", () => {
    const q = recordFailure(emptyQueue, "hub", 0, HOUR, "rejected", true);
    expect(q.hub!.nextAt).toBe(FIRST_RETRY_MS);
    let later = q;
    for (let i = 0; i < 7; i++) later = recordFailure(later, "hub", 0, HOUR, "unreachable");
    expect(later.hub!.nextAt).toBe(FIRST_RETRY_MS * 2 ** 7);
    expect(later.hub!.refused).toBeUndefined();
  });
  it("keeps the mark across a restart", () => {
    const q = recordFailure(emptyQueue, "hub", 5, HOUR, "rejected", true);
    expect(parseQueue(JSON.parse(JSON.stringify(q)))).toEqual(q);
  });
});

describe("a new head, and signs a remote is back", () => {
  const HALF_HOUR = 30 * 60_000;
  it("backs off between retries of one head; a new head that fails starts again at 2 s, still failing since the first", () => {
    let q = emptyQueue;
    for (let i = 0; i < 6; i++) q = recordFailure(q, "laptop", 1000 * i, HALF_HOUR, "timeout", false, "aaa");
    expect(q.laptop!.nextAt - q.laptop!.lastFailure).toBe(64_000);
    q = recordFailure(q, "laptop", 10_000, HALF_HOUR, "timeout", false, "bbb");
    expect(q.laptop).toEqual({ firstFailure: 0, lastFailure: 10_000, attempts: 1, nextAt: 12_000, error: "timeout", head: "bbb" });
    expect(parseQueue(JSON.parse(JSON.stringify(q)))).toEqual(q);
  });
  it("brings only queued remotes forward to now, keeping their count; the others and the queue itself stay", () => {
    let q = recordFailure(emptyQueue, "a", 0, HALF_HOUR, "x", false, "h");
    q = recordFailure(q, "a", 0, HALF_HOUR, "x", false, "h");
    q = recordFailure(q, "b", 1000, HALF_HOUR, "y");
    const now = 500;
    const f = bringForward(q, ["a", "c"], now);
    expect(f.a).toEqual({ ...q.a, nextAt: now });
    expect(f.b).toBe(q.b);
    expect(dueRemotes(f, now)).toEqual(["a"]);
    expect(bringForward(q, ["c"], now)).toBe(q);
    expect(bringForward(f, ["a"], now + 100)).toBe(f); // due already
  });
});
