// No git command the agent runs forces anything: a `git` wrapper first on PATH records every
// invocation while agents merge a conflicting edit along a line and answer a non-fast-forward
// push to a shared bare repository; none may carry --force, -f, --force-with-lease or a + refspec.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, startOne, stopAll, type Running } from "./helpers.js";
import { installGitWrapper, isAncestor, recordsOf } from "./fixtures.js";

/** What in one git invocation would force: null if nothing. */
function forcing(argv: string[]): string | null {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) i += argv[i] === "-c" || argv[i] === "-C" ? 2 : 1;
  const sub = argv[i], args = argv.slice(i + 1);
  for (const a of args) {
    if (/^--force/.test(a) || a === "-f") return a;
    if ((sub === "push" || sub === "fetch") && (/^\+/.test(a) || /^-[a-zA-Z]*f/.test(a) || /^--(mirror|delete|prune)/.test(a))) return a;
  }
  return null;
}

describe("no forced git operations", () => {
  let sb: Sandbox;
  let agents: Record<string, Running> = {};
  let wrapper: Awaited<ReturnType<typeof installGitWrapper>>;
  let logDir: string;

  beforeAll(async () => {
    // Each invocation's argv, NUL-separated, in a file of its own (concurrent gits never interleave).
    wrapper = await installGitWrapper(`printf '%s\\0' "$@" > "$WRAP/calls/$$.$RANDOM$RANDOM"`);
    logDir = join(wrapper.dir, "calls");
  });
  beforeEach(async () => {
    await rm(logDir, { recursive: true, force: true });
    await mkdir(logDir);
  });
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
  });
  afterAll(() => wrapper?.restore());

  async function invocations(): Promise<string[][]> {
    const files = await readdir(logDir);
    return Promise.all(files.map(async (f) => (await readFile(join(logDir, f), "utf8")).split("\0").slice(0, -1)));
  }
  async function expectNothingForced() {
    const calls = await invocations();
    expect(calls.some((c) => c.includes("push") && c.includes("--porcelain"))).toBe(true); // the agents' pushes went through the wrapper
    expect(calls.filter((c) => forcing(c) !== null).map((c) => c.join(" "))).toEqual([]);
    return calls;
  }

  it("recognises what would force", () => {
    expect(forcing(["push", "--porcelain", "b", "abc:refs/heads/main"])).toBeNull();
    for (const bad of [["push", "-f", "b", "x"], ["push", "-qf", "b", "x"], ["-c", "a=b", "push", "b", "+x:y"], ["push", "--force-with-lease", "b"], ["fetch", "b", "+refs/heads/*:refs/remotes/b/*"], ["checkout", "--force", "main"]]) {
      expect(forcing(bad)).not.toBeNull();
    }
  });

  it("merges a conflicting edit along a line A–B–C without forcing", async () => {
    sb = await makeSandbox(["a", "b", "c"], "line");
    agents = await startAgents(sb.clones);
    const made = await Promise.all([commitFile(sb.clones.a!, "same.txt", "a's line\n"), commitFile(sb.clones.c!, "same.txt", "c's line\n")]);
    const dirs = Object.values(sb.clones);
    await waitFor(async () => {
      const heads = await Promise.all(dirs.map(head));
      if (!heads.every((h) => h === heads[0])) return false;
      for (const m of made) if (!(await isAncestor(dirs[0]!, m, heads[0]!))) return false;
      return true;
    }, 30_000, "one HEAD with both edits on a, b and c");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect((await readdir(sb.clones.b!)).filter((f) => f === "same.txt" || f.startsWith("same.variant-"))).toHaveLength(2);
    await expectNothingForced();
  }, 60_000);

  it("answers a non-fast-forward push to a shared bare repository by merging, never by forcing", async () => {
    sb = await makeSandbox(["a", "b"], [], { bares: ["server"] }); // a and b share only the server
    const server = sb.bare.server!;
    const fromA = await commitFile(sb.clones.a!, "same.txt", "a's line\n");
    const fromB = await commitFile(sb.clones.b!, "same.txt", "b's line\n");
    agents.a = await startOne(sb.clones.a!);
    await waitFor(async () => (await git(server, "rev-parse", "main")).trim() === fromA, 20_000, "a's commit on the server");
    agents.b = await startOne(sb.clones.b!); // b's branch no longer fast-forwards the server's
    await waitFor(async () => {
      const tip = (await git(server, "rev-parse", "main")).trim();
      return (await isAncestor(server, fromA, tip)) && (await isAncestor(server, fromB, tip));
    }, 20_000, "both clones' commits on the server");
    await agents.b.agent.idle();
    expect(recordsOf(agents.b, "push-rejected").length).toBeGreaterThan(0);
    const calls = await expectNothingForced();
    expect(calls.some((c) => c.includes("fetch") && c.includes("server"))).toBe(true);
  }, 60_000);
});
