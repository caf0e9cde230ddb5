import { ancestorsWithin, linearRun, reaches, type LoadCommit } from "./ancestry.js";

// A history as parent lists: a ← b ← c ← m, a ← x ← m (m merges c and x), y alone, z's parent lost.
const sha = (c: string) => c.repeat(40);
const dag: Record<string, string[]> = { a: [], b: ["a"], c: ["b"], x: ["a"], m: ["c", "x"], y: [], z: ["q"] };
const calls: string[] = [];
const load: LoadCommit = async (s) => {
  calls.push(s);
  const name = s[0]!;
  return dag[name] ? { parents: dag[name]!.map(sha), authorEmail: "u@x", committerTime: 0, message: "" } : null;
};

describe("reaches", () => {
  it("finds ancestors through either parent of a merge", async () => {
    expect(await reaches(load, sha("m"), sha("a"))).toBe(true);
    expect(await reaches(load, sha("m"), sha("x"))).toBe(true);
    expect(await reaches(load, sha("c"), sha("b"))).toBe(true);
  });
  it("a commit reaches itself without loading anything", async () => {
    calls.length = 0;
    expect(await reaches(load, sha("c"), sha("c"))).toBe(true);
    expect(calls).toEqual([]);
  });
  it("answers false only after walking down to every root", async () => {
    expect(await reaches(load, sha("c"), sha("x"))).toBe(false);
    expect(await reaches(load, sha("a"), sha("b"))).toBe(false);
    expect(await reaches(load, sha("y"), sha("a"))).toBe(false);
  });
  it("is unsure (null) past its limit or at a commit it cannot load", async () => {
    expect(await reaches(load, sha("m"), sha("y"), 2)).toBeNull();
    expect(await reaches(load, sha("z"), sha("a"))).toBeNull();
  });
  it("stops at the first hit: HEAD's child is one load away", async () => {
    calls.length = 0;
    expect(await reaches(load, sha("c"), sha("b"))).toBe(true);
    expect(calls).toEqual([sha("c")]);
  });
});

describe("linearRun", () => {
  it("lists a plain run of commits newest first", async () => {
    expect(await linearRun(load, sha("a"), sha("c"))).toEqual([sha("c"), sha("b")]);
    expect(await linearRun(load, sha("c"), sha("c"))).toEqual([]);
  });
  it("is null when a merge is on the way, the start is not met, or the limit is passed", async () => {
    expect(await linearRun(load, sha("c"), sha("m"))).toBeNull();
    expect(await linearRun(load, sha("x"), sha("c"))).toBeNull();
    expect(await linearRun(load, sha("a"), sha("c"), 1)).toBeNull();
  });
});

describe("ancestorsWithin", () => {
  const names = (s: Set<string>) => [...s].map((x) => x[0]).sort().join("");
  it("takes both parents of a merge, down to the roots", async () => {
    expect(names(await ancestorsWithin(load, [sha("m")], 100))).toBe("abcmx");
    expect(names(await ancestorsWithin(load, [sha("c"), sha("y")], 100))).toBe("abcy");
  });
  it("stops near its limit, nearest first", async () => {
    expect(names(await ancestorsWithin(load, [sha("m")], 3))).toBe("cmx");
  });
  it("ends a line at a commit it cannot load, keeping that commit", async () => {
    expect(names(await ancestorsWithin(load, [sha("z")], 100))).toBe("qz");
  });
});
