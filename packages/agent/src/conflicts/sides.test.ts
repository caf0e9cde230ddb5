import { oursIndex, type Side } from "./sides.js";

const side = (from: string, f: Partial<Side> = {}): Side => ({ from, authors: [], fromIsMine: false, touchedByMe: false, thisClone: false, ...f });

describe("oursIndex", () => {
  it("takes the side whose from commit is by user.email", () => {
    expect(oursIndex([side("a"), side("b", { fromIsMine: true })])).toBe(1);
  });

  it("falls back to the side's own commits when from is a Herald merge", () => {
    expect(oursIndex([side("a", { touchedByMe: true }), side("b")])).toBe(0);
  });

  it("uses this clone's reflog when one person commits on both machines under one email", () => {
    const both = { fromIsMine: true, touchedByMe: true };
    expect(oursIndex([side("a", both), side("b", { ...both, thisClone: true })])).toBe(1);
  });

  it("gives up when nothing singles out one side, or there are not exactly two", () => {
    expect(oursIndex([side("a"), side("b")])).toBeNull();
    expect(oursIndex([side("a", { thisClone: true }), side("b", { thisClone: true })])).toBeNull();
    expect(oursIndex([side("a", { fromIsMine: true })])).toBeNull();
  });
});
