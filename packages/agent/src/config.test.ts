import { ConfigError } from "./errors.js";
import { defaultNodeId, parseConfig, parseSize } from "./config.js";

const parse = (entries: Array<[string, string]>) => parseConfig(entries, "/home/me/notes");

describe("parseConfig", () => {
  it("has sensible defaults", () => {
    const c = parse([]);
    expect(c.node).toBe(defaultNodeId("/home/me/notes"));
    expect(c).toMatchObject({ peers: [], admins: [], services: [], autocommit: false, retryIntervalMs: 30 * 60_000, allowInsecure: false, remotes: [] });
    expect(c.limits).toEqual({}); // pushes unlimited; content takes its own default (content.ts)
  });
  it("reads every setting, multi-valued ones included", () => {
    const c = parse([
      ["herald.node", "laptop"], ["herald.jid", "Me@Example.org"], ["herald.peer", "a@example.org"], ["herald.peer", "b@example.org"],
      ["herald.admin", "me@example.org"], ["herald.autocommit", "yes"], ["herald.retryinterval", "90s"], ["herald.hook", "/bin/notify"],
      ["herald.maxtransfersperminute", "30"], ["herald.maxbytespersecond", "512k"], ["herald.maxconcurrenttransfers", "2"],
      ["remote.usb.url", "/media/me/usb/notes.git"], ["remote.usb.herald-cost", "2.5"], ["remote.usb.herald-removable", "true"],
      ["remote.desk.url", "ssh://desk/notes"], ["remote.desk.herald-node", "desk"],
      ["herald.service", "xmpps://one.example.org:5223"], ["herald.service", "xmpp://two.example.org:5222"],
    ]);
    expect(c).toMatchObject({
      node: "laptop", jid: "me@example.org", peers: ["a@example.org", "b@example.org"], admins: ["me@example.org"],
      autocommit: true, retryIntervalMs: 90_000, hook: "/bin/notify", services: ["xmpps://one.example.org:5223", "xmpp://two.example.org:5222"], limits: { concurrent: 2, transfersPerMinute: 30, bytesPerSecond: 512 * 1024 },
    });
    expect(c.remotes).toEqual([
      { name: "desk", url: "ssh://desk/notes", node: "desk" },
      { name: "usb", url: "/media/me/usb/notes.git", cost: 2.5, removable: true },
    ]);
  });
  it.each([
    [[["herald.node", "../etc"]], "herald.node"],
    [[["herald.jid", "not a jid"]], "herald.jid"],
    [[["herald.peer", "x"]], "herald.peer"],
    [[["herald.retryinterval", "soon"]], "herald.retryInterval"],
    [[["herald.autocommit", "maybe"]], "herald.autocommit"],
    [[["herald.service", "http://x"]], "herald.service"],
    [[["herald.service", "xmpp://ok:5222"], ["herald.service", "xmpp://bad/path"]], "herald.service"],
    [[["remote.a.url", "/x"], ["remote.a.herald-cost", "-1"]], "remote.a.herald-cost"],
    [[["remote.a.url", "/x"], ["remote.a.herald-node", "a/b"]], "remote.a.herald-node"],
    [[["herald.maxconcurrenttransfers", "0"]], "herald.maxConcurrentTransfers"],
    [[["herald.maxbytespersecond", "fast"]], "herald.maxBytesPerSecond"],
  ] as Array<[Array<[string, string]>, string]>)("rejects %j naming %s", (entries, key) => {
    expect(() => parse(entries)).toThrow(ConfigError);
    expect(() => parse(entries)).toThrow(new RegExp(`^${key.replace(/\./g, "\\.")}:`));
  });
});

describe("ssh settings", () => {
  it("herald.networkTimeout: 30 s by default, seconds (or a duration) when set, never zero or text", () => {
    expect(parse([]).networkTimeoutMs).toBe(30_000);
    expect(parse([["herald.networktimeout", "3"]]).networkTimeoutMs).toBe(3_000);
    expect(parse([["herald.networktimeout", "2m"]]).networkTimeoutMs).toBe(120_000);
    expect(() => parse([["herald.networktimeout", "0"]])).toThrow(/herald.networkTimeout: expected a number of seconds/);
    expect(() => parse([["herald.networktimeout", "long"]])).toThrow(/herald.networkTimeout: expected a number of seconds/);
  });

  it("herald.sshCaching is on by default, off when set false, and must be a boolean", () => {
    expect(parse([]).sshCaching).toBe(true);
    expect(parse([["herald.sshcaching", "false"]]).sshCaching).toBe(false);
    expect(() => parse([["herald.sshcaching", "sometimes"]])).toThrow(/herald.sshCaching: expected true or false/);
  });
  it("core.sshCommand is kept for the ssh command Herald builds on", () => {
    expect(parse([["core.sshcommand", "ssh -i ~/.ssh/work"]]).sshCommand).toBe("ssh -i ~/.ssh/work");
    expect(parse([]).sshCommand).toBeUndefined();
  });
});

describe("defaultNodeId", () => {
  it("is readable, stable, and a valid node id for odd host names", () => {
    expect(defaultNodeId("/a", "My Laptop.local")).toMatch(/^my-laptop\.local-[0-9a-f]{6}$/);
    expect(defaultNodeId("/a", "h")).toBe(defaultNodeId("/a", "h"));
    expect(defaultNodeId("/a", "h")).not.toBe(defaultNodeId("/b", "h"));
    expect(defaultNodeId("/a", "...")).toMatch(/^node-[0-9a-f]{6}$/);
  });
});

describe("parseSize", () => {
  it.each([["500", 500], ["64k", 65_536], ["10M", 10_485_760], ["1GiB", 1_073_741_824], ["1.5k", 1536]])("%s → %d", (t, n) => expect(parseSize(t)).toBe(n));
  it.each(["", "0", "-1k", "10T", "k"])("rejects %j", (t) => expect(parseSize(t)).toBeNull());
});
