// .git/herald/conflicts.json is written by two processes (the agent records conflicts,
// `herald conflicts resolve` settles them): concurrent writers must not lose each other's records.
import { ConflictStore } from "@herald/agent";
import { fork } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "herald-store-")); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const sha = (i: number) => i.toString(16).padStart(40, "0");
const conflict = (path: string) => [{ path, kind: "content" as const, variants: [{ file: `${path}.variant-00000000`, from: sha(1) }] }];

describe("ConflictStore", () => {
  it("keeps every record when many writes race (two stores on one file, as two processes)", async () => {
    const file = join(dir, "herald", "conflicts.json");
    const [a, b] = [new ConflictStore(file), new ConflictStore(file)];
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).add(sha(100 + i), conflict(`f${i}.txt`), new Date())));
    const all = await a.list();
    expect(all.map((r) => r.path).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `f${i}.txt`).sort());
    // Settling half of them while the other half is added again (already known: no duplicates).
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.markResolved(`f${i}.txt`, "both", new Date())),
      ...Array.from({ length: 20 }, (_, i) => b.add(sha(120 + i), conflict(`f${20 + i}.txt`), new Date())),
    ]);
    const after = await b.list();
    expect(after).toHaveLength(40);
    expect(after.filter((r) => r.resolved).map((r) => r.path).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}.txt`).sort());
    expect((await readdir(join(dir, "herald"))).sort()).toEqual(["conflicts.json"]); // no lock or temp file left
  });

  it("keeps every record when another process writes at the same time", async () => {
    const file = join(dir, "conflicts.json");
    const child = join(dir, "writer.mjs");
    // The built module (scripts/test.sh builds before testing), as the CLI runs it.
    const storeUrl = new URL("../dist/sync/conflict-store.js", import.meta.url);
    await writeFile(child, `const { ConflictStore } = await import(${JSON.stringify(storeUrl.href)});
const s = new ConflictStore(process.argv[2]);
await Promise.all(Array.from({ length: 20 }, (_, i) => s.add(String(200 + i).padStart(40, "0"), [{ path: "child" + i, kind: "content", variants: [] }], new Date())));
`);
    const running = new Promise<number | null>((resolve) => fork(child, [file]).on("exit", resolve));
    const mine = new ConflictStore(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => mine.add(sha(300 + i), conflict(`mine${i}`), new Date())));
    expect(await running).toBe(0);
    expect(await mine.list()).toHaveLength(40);
  });
});
