import { chooseMechanism, isLoopbackService, reconnectDelay } from "./transport-policy.js";

describe("isLoopbackService", () => {
  it.each([
    ["xmpp://127.0.0.1:5222", true],
    ["xmpp://127.3.2.1", true],
    ["xmpp://localhost:15222", true],
    ["xmpp://[::1]:5222", true],
    ["xmpp://example.org:5222", false],
    ["xmpps://10.0.0.2:5223", false],
    ["xmpp://127.0.0.1.evil.org", false],
    ["not a url", false],
  ])("%s → %s", (service, expected) => {
    expect(isLoopbackService(service)).toBe(expected);
  });
});

describe("chooseMechanism", () => {
  const offered = ["SCRAM-SHA-1", "PLAIN"];
  it("uses PLAIN over TLS or on loopback", () => {
    expect(chooseMechanism(offered, true, false)).toBe("PLAIN");
    expect(chooseMechanism(offered, false, true)).toBe("PLAIN");
  });
  it("never sends PLAIN in the clear to a remote host", () => {
    expect(chooseMechanism(offered, false, false)).toBe("SCRAM-SHA-1");
    expect(chooseMechanism(["PLAIN"], false, false)).toBeUndefined();
  });
});

describe("reconnectDelay", () => {
  it("doubles and is capped", () => {
    expect([0, 1, 2, 3].map((a) => reconnectDelay(a, 100, 1000))).toEqual([100, 200, 400, 800]);
    expect(reconnectDelay(10, 100, 1000)).toBe(1000);
    expect(reconnectDelay(10_000)).toBe(30_000);
  });
});
