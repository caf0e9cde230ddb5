import { xml } from "@xmpp/client";
import { subscriptionAnswer } from "../xmpp/peer-subscription.js";
import { isAgentResource } from "./peer-presence.js";

describe("presence between Herald's accounts", () => {
  it("only an agent's presence says that Herald runs there", () => {
    expect(isAgentResource("n2@x/herald-desktop-3fa2c1")).toBe(true);
    expect(isAgentResource("n2@x/herald-laptop")).toBe(true);
    expect(isAgentResource("n2@x/herald-doctor-4242")).toBe(false);
    expect(isAgentResource("n2@x/gajim.ABC")).toBe(false);
    expect(isAgentResource("n2@x")).toBe(false);
  });

  it("a subscription request is approved for an allow-listed peer, and left pending for anyone else", () => {
    const isPeer = (jid: string) => jid === "n2@x";
    expect(subscriptionAnswer(xml("presence", { from: "N2@x/herald-a", type: "subscribe" }), isPeer)?.attrs).toEqual({ to: "n2@x", type: "subscribed" });
    expect(subscriptionAnswer(xml("presence", { from: "mallory@x/a", type: "subscribe" }), isPeer)).toBeNull();
    expect(subscriptionAnswer(xml("presence", { from: "n2@x/herald-a" }), isPeer)).toBeNull();
    expect(subscriptionAnswer(xml("message", { from: "n2@x/herald-a", type: "subscribe" }), isPeer)).toBeNull();
  });
});
