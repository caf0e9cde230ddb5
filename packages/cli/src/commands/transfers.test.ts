import { outcome } from "./transfers.js";

const repo = (changed: number, running = 0, queued = 0) => ({ repo: "/r", annexed: true, changed, running, queued });

describe("what herald transfers pause, resume and cancel say", () => {
  it("--all succeeds with nothing to act on, and says what happens to later transfers", () => {
    expect(outcome("pause", null, [repo(0)])).toEqual({ ok: true, text: "transfers paused (0 running); new ones wait until: herald transfers resume --all" });
    expect(outcome("pause", null, [repo(3, 1), repo(1, 1)])).toEqual({ ok: true, text: "transfers paused (2 running); new ones wait until: herald transfers resume --all" });
    expect(outcome("resume", null, [repo(0, 0, 2)])).toEqual({ ok: true, text: "transfers resumed (2 to go)" });
    expect(outcome("cancel", null, [repo(0)])).toEqual({ ok: true, text: "no transfers to cancel" });
  });

  it("one key that matches nothing is a failure that names it", () => {
    expect(outcome("cancel", "SHA256E-s1--a", [repo(0)])).toEqual({ ok: false, text: "no transfer of SHA256E-s1--a to cancel (herald transfers lists them)" });
    expect(outcome("pause", "SHA256E-s1--a", [repo(1)])).toEqual({ ok: true, text: "paused 1 transfer" });
  });

  it("a clone without git-annex has no transfers to act on", () => {
    expect(outcome("pause", null, [{ repo: "/r", annexed: false }])).toEqual({ ok: false, text: "/r: not a git-annex repository, so no transfers to pause" });
  });
});
