// The merge-case matrix (merge-matrix.ts), part one: renames, deletes, directory renames and
// criss-cross histories, from git's t6402, t6416, t6422 and t6423.
import { expectKeptAtPath, playCase, versionsOf, type MergeCase } from "./merge-matrix.js";

const lines = (n: string) => `seq 1 20 > ${n}`;
/** t6416's files: ten lines, then the lines given. */
const GEN = `gen() { for i in $(seq 1 10); do echo "Random base content line $i"; done; printf '%s\\n' "$@"; };`;

const cases: MergeCase[] = [
  {
    git: "t6422 'handle rename/rename (2to1) conflict correctly'",
    base: `${lines("a")}; seq 101 120 > b`,
    steps: [["a", "sed -i 's/^5$/five/' a; git mv a c; sed -i 's/^115$/x/' b"], ["b", "sed -i 's/^15$/fifteen/' a; git mv b c"]],
    check: async (r) => {
      // Each side's own c, and each side's change to the file the other renamed, exactly.
      expectKeptAtPath(r, "c");
      expect(r.merge.exactSides).toBe(1);
    },
  },
  {
    git: "t6422 'check nested conflicts from rename/rename(2to1)'",
    base: `${lines("a")}; seq 101 120 > b`,
    steps: [["a", "sed -i 's/^5$/five-a/' a; git mv a c; sed -i 's/^105$/105-a/' b"], ["b", "sed -i 's/^5$/five-b/' a; sed -i 's/^105$/105-b/' b; git mv b c"]],
    check: async (r) => {
      expectKeptAtPath(r, "c");
      expect(r.merge.exactSides).toBe(1);
    },
  },
  {
    git: "t6402 'pull conflicting renames' (rename/rename(1to2))",
    base: lines("a"),
    steps: [["a", "git mv a b"], ["b", "git mv a c"]],
    check: (r) => expect([...r.tree.keys()].filter((p) => /^[abc]$/.test(p)).sort()).toEqual(["b", "c"]),
  },
  {
    git: "t6422 'rename/rename(1to2) with a binary file'",
    base: "printf 'bin\\0ary' > f.bin",
    steps: [["a", "git mv f.bin g.bin; printf 'bin\\0ary-a' > g.bin"], ["b", "git mv f.bin h.bin; printf 'bin\\0ary-b' > h.bin"]],
  },
  {
    git: "t6416 'setup rename/rename(1to2)/modify followed by what looks like rename/rename(2to1)/modify' (rename/rename(1to2), both modify)",
    base: lines("a"),
    steps: [["a", "git mv a b; sed -i 's/^3$/three/' b"], ["b", "git mv a c; sed -i 's/^17$/seventeen/' c"]],
  },
  {
    git: "t6422 'handle rename-with-content-merge vs. add' (rename/add)",
    base: lines("a"),
    steps: [["a", "git mv a c; sed -i 's/^2$/two/' c"], ["b", "sed -i 's/^19$/nineteen/' a; seq 50 60 > c"]],
    check: async (r) => {
      // merge-tree's c on a's side is its merge of a's c with b's edit: not a version anyone
      // wrote. Made again from the tips: a's c and b's c as variants, b's edit where b made it.
      const cs = versionsOf(r, "c");
      expect(cs).toHaveLength(2);
      const bodies = await Promise.all(cs.map(r.show));
      expect(bodies.filter((t) => t.startsWith("50\n") || (t.includes("two") && !t.includes("nineteen")))).toHaveLength(2);
      expect(await r.show("a")).toContain("nineteen");
      expect(r.merge.exactSides).toBe(1);
    },
  },
  {
    git: "t6422 'rad-check: rename/add/delete conflict' (rename/delete)",
    base: lines("foo"),
    steps: [["a", "git mv foo bar; sed -i 's/^4$/four/' bar"], ["b", "git rm -q foo"]],
    check: async (r) => expect(await r.show("bar")).toContain("four"),
  },
  {
    git: "t6422 'rrdd-check: rename/rename(2to1)/delete/delete conflict'",
    base: `${lines("foo")}; seq 31 50 > bar`,
    steps: [["a", "git mv foo baz; git rm -q bar"], ["b", "git mv bar baz; git rm -q foo"]],
    check: (r) => expectKeptAtPath(r, "baz"),
  },
  {
    git: "t6423 '1a: Simple directory rename detection' (a file added in the old directory)",
    base: "mkdir z; seq 1 10 > z/b; seq 11 20 > z/c",
    steps: [["a", "git mv z y"], ["b", "seq 21 30 > z/d; mkdir z/e; echo f > z/e/f"]],
    check: (r) => expect(r.tree.has("y/d") && r.tree.has("y/e/f")).toBe(true),
  },
  {
    git: "t6423 '1d: Directory renames cause a rename/rename(2to1) conflict'",
    base: "mkdir z y; seq 1 10 > z/b; seq 11 20 > z/c; seq 21 30 > y/d; seq 31 40 > y/e",
    steps: [["a", "git mv z x; echo m > y/m; echo wham1 > y/wham"], ["b", "git mv y x; echo n > z/n; echo wham2 > z/wham"]],
  },
  {
    git: "t6423 '2a: Directory split into two on one side, with equal numbers of paths'",
    base: "mkdir z; seq 1 10 > z/b; seq 11 20 > z/c",
    steps: [["a", "mkdir y w; git mv z/b y/b; git mv z/c w/c"], ["b", "seq 21 30 > z/d"]],
  },
  {
    git: "t6423 '5b: Rename/delete in order to get add/add/add conflict'",
    base: "mkdir z; seq 1 10 > z/b; seq 11 20 > z/c; echo d1 > z/d",
    steps: [["a", "git mv z y; echo d2 > y/d"], ["b", "echo e > z/e; mkdir y; echo d3 > y/d"]],
  },
  {
    git: "t6423 '7a: rename-dir vs. rename-dir (NOT split evenly) PLUS add-other-file'",
    base: "mkdir z; seq 1 10 > z/b; seq 11 20 > z/c",
    steps: [["a", "git mv z y"], ["b", "mkdir w x; git mv z/b w/b; git mv z/c x/c; echo d > z/d"]],
  },
  {
    git: "t6423 '9a: Inner renamed directory within outer renamed directory'",
    base: "mkdir -p z/d; seq 1 10 > z/b; seq 11 20 > z/c; echo e > z/d/e; echo f > z/d/f; echo g > z/d/g",
    steps: [["a", "mkdir -p y x; git mv z/b z/c y/; git mv z/d x/w"], ["b", "echo h > z/d/h; echo i > z/i"]],
  },
  {
    git: "t6416 'git detects conflict merging criss-cross+modify/delete'",
    base: lines("file"),
    crissCross: true,
    steps: [
      ["a", "sed -i 's/^3$/three/' file"], ["b", "git rm -q file"],
      ["a", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD || true; git add file; git commit -qm L2"],
      ["b", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD^1 || true; git rm -q file; git commit -qm R2"],
      ["a", "sed -i 's/^9$/nine/' file"],
    ],
  },
  {
    git: "t6416 'merge criss-cross + rename merges with basic modification'",
    base: lines("one"),
    crissCross: true,
    steps: [
      ["a", "sed -i 's/^2$/two/' one"], ["b", "git mv one two"],
      ["a", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD"],
      ["b", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD^1"],
      ["a", "sed -i 's/^18$/eighteen-a/' two"], ["b", "sed -i 's/^18$/eighteen-b/' two"],
    ],
    check: (r) => expectKeptAtPath(r, "two"),
  },
  {
    // git's own files: both renamed onto m in the criss-cross merges, so merge-tree's stages of m
    // are its merges against a virtual base that itself holds conflicts (8-character markers).
    git: "t6416 'check nested conflicts'",
    base: `${GEN} gen a > a; gen b > b`,
    crissCross: true,
    steps: [
      ["a", `${GEN} gen a a_L1 > a; gen b b_L1 > b`], ["b", `${GEN} gen a a_R1 > a; gen b b_R1 > b`],
      ["a", `${GEN} git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD || true; gen a a_L2 > a; gen b b_L2 > b; git add a b; git mv b m; git commit -qm L2`],
      ["b", `${GEN} git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD^1 || true; gen a a_R2 > a; gen b b_R2 > b; git add a b; git mv a m; git commit -qm R2`],
    ],
    check: (r) => {
      expectKeptAtPath(r, "m");
      expect(r.merge.exactSides).toBe(1);
    },
  },
  {
    git: "t6416 'check virtual merge base with nested conflicts' (the renames in later commits)",
    base: `${lines("a")}; seq 101 120 > b`,
    crissCross: true,
    steps: [
      ["a", "echo a-L1 >> a; echo b-L1 >> b"], ["b", "echo a-R1 >> a; echo b-R1 >> b"],
      ["a", `git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD || true; ${lines("a")}; echo a-L2 >> a; seq 101 120 > b; echo b-L2 >> b; git add a b; git commit -qm L2; git mv b m`],
      ["b", `git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD~1^1 || true; ${lines("a")}; echo a-R2 >> a; seq 101 120 > b; echo b-R2 >> b; git add a b; git commit -qm R2; git mv a m`],
    ],
    check: (r) => expectKeptAtPath(r, "m"),
  },
  {
    git: "t6422 'rename/directory conflict + content merge conflict'",
    base: "printf '1\\n2\\n3\\n4\\n5\\n6\\n' > file",
    steps: [["a", "echo 8 >> file; git mv file newfile"], ["b", "echo 7 >> file; mkdir newfile; echo junk > newfile/realfile"]],
  },
  {
    git: "t6422 'rename/directory conflict + clean content merge'",
    base: "printf '1\\n2\\n3\\n4\\n5\\n6\\n' > file",
    steps: [["a", "{ echo 0; cat file; } > newfile; git rm -q file"], ["b", "echo 7 >> file; mkdir newfile; echo junk > newfile/realfile"]],
    // Merged again from the tips (the rename's content merge is not a side's version): a's
    // newfile meets b's directory in place; the directory keeps the name, a's file is beside it.
    check: (r) => expect(r.conflicts.find((c) => c.path === "newfile")?.kind).toBe("file/directory"),
  },
  {
    git: "t6402 'Rename+D/F conflict; renamed file cannot merge and dir in the way'",
    base: `${lines("a")}; mkdir dir; echo x > dir/file`,
    steps: [["a", "sed -i 's/^5$/five-a/' a; git rm -rq dir; git mv a dir"], ["b", "sed -i 's/^5$/five-b/' a; echo y > dir/other"]],
  },
  {
    git: "t6423 '5a: Merge directories, other side adds files to original and target'",
    base: "mkdir z y; seq 1 10 > z/b; seq 11 20 > z/c; seq 21 30 > y/d",
    steps: [["a", "echo e1 > z/e; echo f > z/f; echo e2 > y/e"], ["b", "git mv z/b z/c y/"]],
  },
  {
    git: "t6416 'git detects differently handled merges conflict' (criss-cross of a rename/add)",
    base: lines("a"),
    crissCross: true,
    steps: [
      ["a", "git mv a c"], ["b", "seq 50 70 > c"],
      ["a", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD || true; seq 50 70 > c; git add c; git commit -qm D"],
      ["b", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD^1 || true; seq 1 20 > c; git add c; git rm -q --cached a 2>/dev/null || true; rm -f a; git commit -qm E"],
    ],
  },
  {
    git: "t6416 'merge of D2 & E4 merges a2s & reports conflict for a/file' (criss-cross directory/file)",
    base: lines("a"),
    crissCross: true,
    steps: [
      ["a", "echo a2 > a2"], ["b", "git rm -q a; mkdir a; echo file > a/file"],
      ["a", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD || true; git add -A; git commit -qm D2 || true"],
      ["b", "git fetch -q $OTHER main; git merge -q --no-edit FETCH_HEAD^1 || true; git add -A; git commit -qm E4 || true; echo changed > a/file"],
      ["a", "echo a2-more >> a2"],
    ],
  },
];

describe("merge matrix: renames, deletes, directory renames, criss-cross", () => {
  it.each(cases.map((c) => [c.git, c] as const))("%s", async (_name, c) => {
    await playCase(c);
  }, 60_000);
});
