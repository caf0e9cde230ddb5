import { changedLinks, isAnnexKey, isSafePath, keyFromLink, keySize, objectPath } from "./keys.js";

const K = "SHA256E-s5242880--0f3a9c1e2d4b5a6978877665544332211aabbccddeeff00112233445566778899.bin";

describe("annex keys", () => {
  it("reads the key a locked file's symlink names, and its size", () => {
    expect(keyFromLink(`../../.git/annex/objects/Kz/ZF/${K}/${K}`)).toBe(K);
    expect(keyFromLink(`/annex/objects/${K}\n`)).toBe(K);
    expect(keyFromLink(`/annex/objects/${K}\nmore text`)).toBeNull();
    expect(keySize(K)).toBe(5242880);
    expect(keySize("WORM-m1700000000-s12--notes.txt")).toBe(12);
    expect(keySize("URL--https&c%%example.com")).toBeNull();
  });

  it("refuses what is not a key: options, paths, plain links", () => {
    expect(keyFromLink("../elsewhere/file")).toBeNull();
    expect(isAnnexKey("--upload-pack=touch")).toBe(false);
    expect(isAnnexKey("SHA256E-s1--a b")).toBe(false);
    expect(isAnnexKey("SHA256E-s1--../../x")).toBe(false);
    expect(isAnnexKey(K)).toBe(true);
  });

  it("lists symlinks and files added or changed, not deleted ones", () => {
    const z = [
      ":000000 120000 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 A", "big.bin",
      ":000000 100644 0000000000000000000000000000000000000000 2222222222222222222222222222222222222222 A", "notes.txt",
      ":120000 000000 3333333333333333333333333333333333333333 0000000000000000000000000000000000000000 D", "gone.iso",
      "",
    ].join("\0");
    expect(changedLinks(z)).toEqual([{ path: "big.bin", blob: "1".repeat(40), pointer: false }, { path: "notes.txt", blob: "2".repeat(40), pointer: true }]);
  });

  it("accepts only relative paths without .. steps", () => {
    expect(isSafePath("a/b.iso")).toBe(true);
    expect(isSafePath("../x")).toBe(false);
    expect(isSafePath("/etc/passwd")).toBe(false);
  });

  it("places a key's content where git-annex does (git annex examinekey --format='${hashdirmixed}' and '${hashdirlower}')", () => {
    const k = "SHA256E-s20971520--0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9.bin";
    expect(objectPath(k)).toBe(`W6/6P/${k}/${k}`);
    expect(objectPath(k, true)).toBe(`06e/79b/${k}/${k}`);
    expect(objectPath("WORM-s3-m1--foo")).toBe("fW/WM/WORM-s3-m1--foo/WORM-s3-m1--foo");
    expect(objectPath("WORM-s3-m1--foo", true)).toBe("3ca/571/WORM-s3-m1--foo/WORM-s3-m1--foo");
  });
});
