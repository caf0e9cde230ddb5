import { isOpen } from "./model.js";

describe("isOpen", () => {
  const v = (file: string, present: boolean) => ({ file, from: "1".repeat(40), present });
  it("is open while a variant beside the path is left, whatever the path holds", () => {
    expect(isOpen("f.txt", [v("f.txt", true), v("f.variant-11111111.txt", true)])).toBe(true);
    expect(isOpen("f.txt", [v("f.txt", false), v("f.variant-11111111.txt", true)])).toBe(true);
  });
  it("is settled once no variant beside the path is left, though the path keeps its version", () => {
    expect(isOpen("f.txt", [v("f.txt", true), v("f.variant-11111111.txt", false)])).toBe(false);
  });
  it("is open while the one version at the path is there, for a conflict that has no other (modify/delete)", () => {
    expect(isOpen("g", [v("g", true)])).toBe(true);
    expect(isOpen("g", [v("g", false)])).toBe(false);
  });
});
