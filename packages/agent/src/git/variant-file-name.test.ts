import { isVariantFileName, variantFileName, variantOriginal } from "./variant-file-name.js";

const blob = "f73f3093ff865c514c6c51f867e35f693487d0d3";

describe("variantFileName", () => {
  it.each([
    ["notes.txt", "notes.variant-f73f3093.txt"],
    ["docs/report.final.pdf", "docs/report.final.variant-f73f3093.pdf"],
    ["Makefile", "Makefile.variant-f73f3093"],
    [".bashrc", ".bashrc.variant-f73f3093"],
    ["dir.d/file", "dir.d/file.variant-f73f3093"],
  ])("%s → %s", (path, expected) => {
    expect(variantFileName(path, blob)).toBe(expected);
    expect(isVariantFileName(expected)).toBe(true);
    expect(variantOriginal(expected)).toBe(path);
  });
  it("depends only on the content id, so two nodes agree", () => {
    expect(variantFileName("a.txt", blob)).toBe(variantFileName("a.txt", blob));
    expect(variantFileName("a.txt", blob)).not.toBe(variantFileName("a.txt", "0".repeat(40)));
  });
  it("gives one content under two modes two names (a plain file keeps its blob id)", () => {
    const names = ["100644", "100755", "120000", "160000"].map((m) => variantFileName("a.txt", blob, m));
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toBe("a.variant-f73f3093.txt");
    expect(names.every(isVariantFileName)).toBe(true);
  });
  it("does not mistake ordinary names for variants", () => {
    expect(isVariantFileName("a.variant.txt")).toBe(false);
    expect(isVariantFileName("variant-1234abcd.txt")).toBe(false);
  });
});
