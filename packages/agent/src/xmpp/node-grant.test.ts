import { grantAllOrNothing, HalfGrantedError, type GrantableNode } from "./node-grant.js";
import type { Affiliation } from "./pubsub-node.js";

/** A node's state as a pubsub service keeps it, and the steps that may fail on the way. */
function node(initial: { exists?: boolean; affiliations?: Record<string, string>; config?: Record<string, string> }, fail: { afterSetting?: number; configure?: number; delete?: boolean } = {}) {
  const state = { exists: initial.exists ?? true, affiliations: { ...initial.affiliations }, config: { ...initial.config }, configures: 0 };
  const n: GrantableNode = {
    node: "herald/x",
    async ensure() {
      if (state.exists) return "exists";
      Object.assign(state, { exists: true, affiliations: { "me@a": "owner" }, config: { "pubsub#access_model": "open", "pubsub#publish_model": "open" } });
      return "created";
    },
    async affiliations() { return { ...state.affiliations }; },
    async configuration() { return { ...state.config }; },
    async setAffiliations(a: Record<string, Affiliation>) {
      let done = 0;
      for (const [jid, aff] of Object.entries(a)) {
        // As Prosody: applied one by one, so a failure may leave some done.
        if (fail.afterSetting !== undefined && done === fail.afterSetting) { fail.afterSetting = undefined; throw new Error("internal-server-error"); }
        if (aff === "none") delete state.affiliations[jid]; else state.affiliations[jid] = aff;
        done++;
      }
    },
    async configure(c: Record<string, string | number>) {
      if (state.configures++ === fail.configure) throw new Error("not-acceptable");
      Object.assign(state.config, Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])));
    },
    async delete() {
      if (fail.delete) throw new Error("forbidden");
      state.exists = false;
    },
  };
  return { n, state };
}

const open = { "pubsub#access_model": "open", "pubsub#publish_model": "open" };

describe("grantAllOrNothing", () => {
  it("grants every peer, then runs the caller's step", async () => {
    const { n, state } = node({ affiliations: { "me@a": "owner" }, config: open });
    const steps: string[] = [];
    const r = await grantAllOrNothing(n, "me@a", ["b@a", "C@b"], 1000, async () => { steps.push("then"); });
    expect(r).toEqual({ "me@a": "owner", "b@a": "publisher", "c@b": "publisher" });
    expect(state.config).toEqual({ "pubsub#access_model": "whitelist", "pubsub#publish_model": "publishers" });
    expect(steps).toEqual(["then"]);
  });

  const fine = (): void => undefined;
  const lockFails = (): void => { throw new Error("could not lock config file"); };
  it.each([
    ["an affiliation refused halfway", { afterSetting: 1 }, fine],
    ["the access model refused", { configure: 0 }, fine],
    ["the caller's step failing", {}, lockFails],
  ])("puts the node back as it was after %s", async (_what, fail, then) => {
    const before = { affiliations: { "me@a": "owner", "old@a": "member" }, config: open };
    const { n, state } = node(before, fail);
    await expect(grantAllOrNothing(n, "me@a", ["b@a", "c@b", "old@a"], 1000, async () => then())).rejects.toThrow();
    expect(state.affiliations).toEqual(before.affiliations);
    expect(state.config).toEqual(open);
  });

  it("deletes a node it created when a later step fails", async () => {
    const { n, state } = node({ exists: false });
    await expect(grantAllOrNothing(n, "me@a", ["b@a"], 1000, async () => { throw new Error("disk full"); })).rejects.toThrow("disk full");
    expect(state.exists).toBe(false);
  });

  it("says so when putting the node back fails too", async () => {
    const { n } = node({ exists: false }, { configure: 0, delete: true });
    const e = await grantAllOrNothing(n, "me@a", ["b@a"], 1000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HalfGrantedError);
    expect((e as Error).message).toBe("not-acceptable; putting the node back failed too (forbidden): run herald peer add again");
  });

  it("changes nothing on a node it may not read (not the owner)", async () => {
    const { n, state } = node({ affiliations: { "other@a": "owner" }, config: open });
    n.affiliations = async () => { throw new Error("forbidden"); };
    await expect(grantAllOrNothing(n, "me@a", ["b@a"], 1000)).rejects.toThrow("forbidden");
    expect(state).toMatchObject({ affiliations: { "other@a": "owner" }, config: open, configures: 0 });
  });
});
