import { ConfigError } from "../errors.js";
import { addPeer } from "./peer-grant.js";

describe("addPeer's input", () => {
  // Checked before the clone is opened or anything is written or sent.
  it.each(["not a jid", "-c@example.org", "a@b/resource", "@example.org", "a@b@c", "a'b@example.org"])("refuses %j, naming herald.peer", async (jid) => {
    const p = addPeer({ dir: "/nonexistent/clone", jid, machine: [], env: {} });
    await expect(p).rejects.toBeInstanceOf(ConfigError);
    await expect(p).rejects.toThrow(`herald.peer: ${JSON.stringify(jid)} is not a bare JID`);
  });
});
