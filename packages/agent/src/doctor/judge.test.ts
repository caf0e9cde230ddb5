import { judgeClock, judgeGitVersion, judgeInotify, judgePeers, report } from "./judge.js";

describe("the doctor's judgements", () => {
  it("git: 2.38 or later passes; older, or none, fails with the fix", () => {
    expect(judgeGitVersion("git version 2.39.5\n")).toMatchObject({ result: "ok", detail: expect.stringContaining("2.39.5") });
    expect(judgeGitVersion("git version 3.0.0")).toMatchObject({ result: "ok" });
    expect(judgeGitVersion("git version 2.37.1")).toMatchObject({ result: "fail", detail: expect.stringContaining("2.37.1 is too old") });
    expect(judgeGitVersion(null)).toMatchObject({ result: "fail", fix: expect.stringContaining("install git") });
  });

  it("inotify: fails when the watched directories would take more than half the limit", () => {
    expect(judgeInotify(8192, 100).result).toBe("ok");
    expect(judgeInotify(8192, 5000)).toMatchObject({ result: "fail", fix: expect.stringContaining("max_user_watches=524288") });
    expect(judgeInotify(null, 10).result).toBe("skip");
  });

  it("clock: a minute either way passes; more fails, saying which way", () => {
    expect(judgeClock(-59_000, "example.org").result).toBe("ok");
    expect(judgeClock(3_600_000, "example.org")).toMatchObject({ result: "fail", detail: "3600 s ahead of example.org" });
    expect(judgeClock(-120_000, "example.org").detail).toBe("120 s behind example.org");
    expect(judgeClock(null, "example.org").result).toBe("skip");
  });

  it("peers: each allow-listed peer must have announced at least once, or be online now", () => {
    expect(judgePeers(["a@x", "b@x"], new Map([["a@x", 5_000], ["b@x", 3 * 3600_000]]))).toMatchObject({ result: "ok", detail: "seen: a@x (5 s ago), b@x (3 h ago)" });
    expect(judgePeers(["a@x", "b@x"], new Map([["a@x", 5_000]]))).toMatchObject({ result: "fail", detail: "never heard from b@x (never online, never announced); seen: a@x (5 s ago)" });
    expect(judgePeers(["a@x", "b@x"], new Map([["a@x", 5_000]]), new Set(["b@x"]))).toMatchObject({ result: "ok", detail: "seen: a@x (5 s ago); online, nothing announced yet: b@x" });
    expect(judgePeers(["b@x"], new Map(), new Set(["b@x"]))).toMatchObject({ result: "ok", detail: "online, nothing announced yet: b@x" });
    expect(judgePeers([], new Map()).result).toBe("fail");
  });

  it("report: one line per check; exit 0 only when none failed (skips do not fail)", () => {
    const good = report([{ name: "git", result: "ok", detail: "2.39" }, { name: "clock", result: "skip", detail: "no answer" }]);
    expect(good).toEqual({ text: "ok   git: 2.39\nskip clock: no answer", code: 0 });
    expect(report([{ name: "x", result: "fail", detail: "broken", fix: "mend it" }])).toEqual({ text: "FAIL x: broken (fix: mend it)", code: 1 });
  });
});
