import { EventEmitter } from "node:events";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { iqRequest } from "./iq-request.js";

/** The two things iqRequest uses of a client: its stanza and disconnect events, and send. */
function client() {
  const c = new EventEmitter() as EventEmitter & { sent: Element[]; send(el: Element): Promise<void> };
  c.sent = [];
  c.send = async (el: Element) => { c.sent.push(el); };
  return c;
}

describe("iqRequest", () => {
  it("resolves with the result that carries the request's id", async () => {
    const c = client();
    const p = iqRequest(c, xml("iq", { type: "get", to: "pubsub.localhost" }));
    const id = c.sent[0]!.attrs.id as string;
    c.emit("stanza", xml("iq", { type: "result", id: "other" }));
    c.emit("stanza", xml("iq", { type: "result", id }, xml("pubsub")));
    expect((await p).getChild("pubsub")).toBeDefined();
  });

  it("fails every iq in flight when the stream's connection closes, long before its timeout", async () => {
    const c = client();
    const started = Date.now();
    const pending = [iqRequest(c, xml("iq", { type: "set" }), 60_000), iqRequest(c, xml("iq", { type: "get" }), 60_000)];
    c.emit("disconnect", { clean: false });
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: "XMPP_DISCONNECTED" });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The next stream's requests are unaffected, and a late answer to a failed one is ignored.
    const next = iqRequest(c, xml("iq", { type: "get" }));
    c.emit("stanza", xml("iq", { type: "result", id: c.sent[0]!.attrs.id }));
    c.emit("stanza", xml("iq", { type: "result", id: c.sent[2]!.attrs.id }));
    await expect(next).resolves.toBeDefined();
  });
});
