import { remoteNodeWarning } from "./node-warnings.js";
import { parseAdvertised } from "./node-advert.js";

describe("remoteNodeWarning", () => {
  const peer = { name: "desktop", kind: "peer" };

  it("a herald-node that names no node: says what the clone there advertises", () => {
    expect(remoteNodeWarning({ ...peer, node: "desktop", setting: "desktop", advertised: ["desktop-3fa2c1"] }, null, "me"))
      .toBe("herald-node 'desktop' names no node Herald has heard of; the clone there advertises 'desktop-3fa2c1' (remove the setting)");
    expect(remoteNodeWarning({ ...peer, node: "desktop", setting: "desktop", advertised: [] }, new Set(["other"]), "me")).toMatch(/^herald-node 'desktop' names no node Herald has heard of, and the clone there advertises none/);
  });

  it("a herald-node that is advertised or heard is fine; with no evidence either way, nothing is said", () => {
    expect(remoteNodeWarning({ ...peer, node: "d-1", setting: "d-1", advertised: ["d-1"] }, null, "me")).toBeUndefined();
    expect(remoteNodeWarning({ ...peer, node: "d-1", setting: "d-1" }, new Set(["d-1"]), "me")).toBeUndefined();
    expect(remoteNodeWarning({ ...peer, node: "d-1", setting: "d-1" }, null, "me")).toBeUndefined();
  });

  it("with XMPP: a node never heard from; git only: a clone that advertises nothing", () => {
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: ["d-1"] }, new Set(), "me")).toMatch(/^node 'd-1' never heard from over XMPP/);
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: ["d-1"] }, new Set(["d-1"]), "me")).toBeUndefined();
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: [] }, null, "me")).toMatch(/^the clone there advertises no node/);
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: ["d-1"] }, null, "me")).toBeUndefined();
    // On this machine, its advertisement is enough (the same login never hears itself).
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: ["d-1"], path: "/home/me/d" }, new Set(), "me")).toBeUndefined();
    expect(remoteNodeWarning({ ...peer, node: "d-1", advertised: [], path: "/home/me/d" }, new Set(), "me")).toMatch(/^node 'd-1' never heard from over XMPP/);
  });

  it("a clone no Herald serves is named; bare and unreachable remotes are not judged", () => {
    expect(remoteNodeWarning({ ...peer, unserved: true, advertised: [] }, null, "me")).toMatch(/^a clone that no Herald serves .* refs\/remotes\/me\//);
    expect(remoteNodeWarning({ name: "srv", kind: "bare", advertised: [] }, new Set(), "me")).toBeUndefined();
    expect(remoteNodeWarning({ name: "far", kind: "unknown" }, new Set(), "me")).toBeUndefined();
  });
});

describe("parseAdvertised", () => {
  it("reads node ids from ls-remote and for-each-ref lines, ignoring anything else", () => {
    const sha = "a".repeat(40);
    expect(parseAdvertised(`${sha}\trefs/herald/node/laptop-1a2b3c\n${sha}\trefs/heads/main\n${sha} refs/herald/node/b\n${sha}\trefs/herald/node/--upload-pack=x\n`))
      .toEqual(["b", "laptop-1a2b3c"]);
  });
});
