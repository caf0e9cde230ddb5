import { NS_HERALD, PROTOCOL_VERSION, pubsubNodeName } from "./namespace.js";

describe("namespace", () => {
  it("pins the wire constants other nodes depend on", () => {
    expect(NS_HERALD).toBe("urn:herald:0");
    expect(PROTOCOL_VERSION).toBe(1);
  });
  it("names the pubsub node after the repo id", () => {
    expect(pubsubNodeName("0123456789abcdef0123456789abcdef01234567")).toBe("herald/0123456789abcdef0123456789abcdef01234567");
    expect(pubsubNodeName("photos")).toBe("herald/photos");
  });
  it.each(["", "a/b", "../x", "-r", "a".repeat(65)])("refuses repo id %j", (repo) => {
    expect(() => pubsubNodeName(repo)).toThrow(expect.objectContaining({ code: "INVALID_FIELD", field: "repo" }));
  });
});
