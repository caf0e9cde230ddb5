import { srvServices } from "./xmpp-settings.js";

describe("srvServices", () => {
  it("orders SRV targets by priority, then weight, as xmpp:// addresses", () => {
    expect(srvServices([
      { name: "b.example.org.", port: 5223, priority: 10, weight: 5 },
      { name: "a.example.org", port: 5222, priority: 5, weight: 0 },
      { name: "c.example.org", port: 5222, priority: 10, weight: 50 },
    ])).toEqual(["xmpp://a.example.org:5222", "xmpp://c.example.org:5222", "xmpp://b.example.org:5223"]);
  });
  it("a '.' target means the service is not offered here (RFC 2782)", () => {
    expect(srvServices([{ name: ".", port: 0, priority: 0, weight: 0 }])).toEqual([]);
  });
});
