import { NetworkCalls, QUIET_NOTICE_MS } from "./network-calls.js";

describe("NetworkCalls", () => {
  it("names a remote whose running command has been quiet long enough, the quietest first; not once it ended", () => {
    const calls = new NetworkCalls();
    const push = calls.start("b", "push", 1000);
    const fetch = calls.start("b", "fetch", 2000);
    calls.start("c", "push", 0);
    expect(calls.quiet("b", 1000 + QUIET_NOTICE_MS - 1)).toBeNull();
    expect(calls.quiet("b", 1000 + QUIET_NOTICE_MS)).toBe(push);
    push.lastOutput = 5000; // it printed something
    expect(calls.quiet("b", 2000 + QUIET_NOTICE_MS)).toBe(fetch);
    calls.end(fetch);
    expect(calls.quiet("b", 2000 + QUIET_NOTICE_MS)).toBeNull();
    expect(calls.quiet("b", 5000 + QUIET_NOTICE_MS)).toBe(push);
    expect(calls.quiet("a", 1e9)).toBeNull();
  });
});
