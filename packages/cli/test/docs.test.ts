// The documentation a user reads stays true to the program: the CLI reference in docs/reference.md
// and the man page are what the CLI's yargs definitions print (scripts/gen-cli-docs.mjs), every
// `herald` command the README and the guide print exists, and every link between them leads to
// a file. The README stays a front door.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BIN } from "./run-herald.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const GEN = join(ROOT, "scripts/gen-cli-docs.mjs");
const REFERENCE = join(ROOT, "docs/reference.md");
const MAN = join(ROOT, "packages/cli/man/herald.1");

interface Run { code: number; stdout: string; stderr: string }
function gen(args: string[]): Promise<Run> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx tsc -b\` before these tests`);
  return new Promise((res) => execFile(process.execPath, [GEN, ...args], { cwd: ROOT }, (err, stdout, stderr) =>
    res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
}

const docs = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");

describe("the documentation", () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "herald-docs-")); });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  // One yargs --help per command and subcommand: a few dozen process starts.
  it("has the CLI reference and herald(1) exactly as the CLI's definitions print them", async () => {
    // Alongside, a copy of the man page with one option described differently must be caught,
    // and the message must say what to run.
    const stale = join(dir, "herald.1"), ref = join(dir, "reference.md");
    await copyFile(REFERENCE, ref);
    await writeFile(stale, (await readFile(MAN, "utf8")).replace("more detail (debug log, stack traces)", "more detail"));
    const [real, drifted] = await Promise.all([gen(["--check"]), gen(["--check", "--reference", ref, "--man", stale])]);
    expect({ code: real.code, stderr: real.stderr }).toEqual({ code: 0, stderr: "" });
    expect(drifted.code).toBe(1);
    expect(drifted.stderr.trim()).toBe(`${stale} does not match the CLI's definitions: run npx tsc -b && node scripts/gen-cli-docs.mjs`);
  }, 180_000);

  it("documents every command and subcommand that herald --help lists", () => {
    const reference = read("docs/reference.md");
    const top = [...reference.matchAll(/^ {2}herald ([a-z-]+)/gm)].map((m) => m[1]!);
    expect(top).toEqual(expect.arrayContaining(["daemon", "init", "peer", "conflicts", "service", "completion"]));
    for (const c of top) expect(reference).toContain(`### \`herald ${c}\``);
    const man = readFileSync(MAN, "utf8");
    for (const c of ["conflicts resolve", "service install", "peer add"]) {
      expect(reference).toContain(`### \`herald ${c}\``);
      expect(man).toContain(`.SS "herald ${c}"`);
    }
  });

  it("prints only herald commands that exist, in the README and the guide", () => {
    const known = new Set([...read("docs/reference.md").matchAll(/^### `herald ([a-z-]+)/gm)].map((m) => m[1]!));
    const used = new Map<string, string>();
    for (const f of ["README.md", "docs/guide.md"]) {
      for (const block of read(f).matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
        for (const m of block[1]!.matchAll(/(?:^|[;&|(]\s*|^\s*)herald ([a-z][a-z-]*)/gm)) used.set(m[1]!, f);
      }
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter(([c]) => !known.has(c))).toEqual([]);
  });

  it("links only to files and headings that exist", () => {
    // GitHub's anchors: the heading in lower case, without punctuation, spaces as hyphens.
    const anchors = (file: string) => new Set([...readFileSync(file, "utf8").matchAll(/^#{1,6} (.+)$/gm)]
      .map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")));
    const broken: string[] = [];
    for (const f of docs) {
      for (const m of read(f).matchAll(/\]\(([^)\s#]*)(?:#([^)]*))?\)/g)) {
        const [, target, anchor] = m as unknown as [string, string, string | undefined];
        if (/^[a-z]+:/.test(target)) continue;
        const file = target ? resolve(dirname(join(ROOT, f)), target) : join(ROOT, f);
        if (!existsSync(file)) broken.push(`${f}: ${target}`);
        else if (anchor && file.endsWith(".md") && !anchors(file).has(anchor)) broken.push(`${f}: ${target}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("keeps the README a front door: the developers' two commands first, under 250 lines, the rest in docs/", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThan(250);
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toMatch(/^\.\/scripts\/demo\.sh/m);
    expect(firstBlock).toMatch(/^\.\/scripts\/test\.sh/m);
    for (const f of ["guide", "reference", "architecture", "benchmarks", "reliability"]) expect(readme).toContain(`](docs/${f}.md)`);
  });
});
