// Usage as a user meets it: help with examples, and one-line errors with exit code 2.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { herald, lines } from "./run-herald.js";

describe("herald usage", () => {
  it("lists every command in --help and exits 0", async () => {
    const r = await herald(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["agent", "plan", "merge-driver", "status", "sync", "pause", "resume", "log", "stop", "map", "init", "conflicts"]) expect(r.stdout).toContain(`herald ${c}`);
  });

  it("has an Examples: section in the --help of every command that herald --help lists", async () => {
    const top = await herald(["--help"]);
    const commands = [...top.stdout.matchAll(/^ {2}herald ([a-z-]+)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["daemon", "status", "stop", "completion"]));
    const helps = await Promise.all(commands.map(async (c) => {
      const r = await herald([c, "--help"]);
      return { command: c, code: r.code, examples: /^Examples:\n {2}\S/m.test(r.stdout) };
    }));
    expect(helps).toEqual(commands.map((command) => ({ command, code: 0, examples: true })));
  });

  it.each([
    ["agent", "herald agent --repo"],
    ["plan", "herald plan --input"],
    ["merge-driver", 'git config merge.herald.driver "herald merge-driver %O %A %B %P"'],
    ["status", "herald status --json"],
    ["sync", "herald sync"],
    ["pause", "herald pause"],
    ["resume", "herald resume"],
    ["log", "herald log --follow"],
    ["stop", "herald stop --repo"],
    ["map", "herald map --format dot"],
    ["init", "herald init --jid"],
    ["conflicts", "herald conflicts --all --json"],
  ])("shows an example in `herald %s --help`", async (command, example) => {
    const r = await herald([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Examples:$/m);
    expect(r.stdout).toContain(example);
  });

  it("prints the package version and the commit of this checkout", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    const head = spawnSync("git", ["rev-parse", "--short=7", "HEAD"], { encoding: "utf8" }).stdout.trim();
    const r = await herald(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${version} (${head})`);
  });

  it.each([
    [["frobnicate"], /^herald: Unknown argument: frobnicate/],
    [["plan", "--input", "-", "--bogus"], /^herald: Unknown argument: bogus/],
    [["plan", "--input", "-", "--format", "xml"], /^herald: Invalid values: .*format/],
    [[], /^herald: no command given/],
    [["merge-driver", "a", "b"], /^herald: Not enough non-option arguments/],
    [["agent", "--repo", ".", "--repo-dir", "x"], /^herald: Unknown argument: repo-dir/],
    [["agent", "--repo"], /^herald: Not enough arguments following: repo/],
    [["agent", "--repo", ""], /^herald: --repo needs a directory/],
  ])("rejects %j with exit 2 and one line", async (args, message) => {
    const r = await herald(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("rejects --verbose with --quiet (exit 2)", async () => {
    const r = await herald(["agent", "--verbose", "--quiet"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toMatch(/^herald: Arguments verbose and quiet are mutually exclusive/);
  });

  it("shows a stack trace only with --verbose", async () => {
    const quiet = await herald(["plan", "--input", "/nonexistent/graph.json"]);
    expect(quiet.code).toBe(2);
    expect(lines(quiet.stderr)).toEqual(["herald: cannot read /nonexistent/graph.json: no such file"]);
    const verbose = await herald(["plan", "--input", "/nonexistent/graph.json", "--verbose"]);
    expect(verbose.code).toBe(2);
    expect(lines(verbose.stderr)[0]).toBe("herald: cannot read /nonexistent/graph.json: no such file");
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });
});
