// `herald agent` as a process: wrong --repo is exit 2, a second agent on a clone is exit 1, and
// SIGTERM/SIGINT stop it cleanly (exit 0, pid file gone, the log file written).
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSandbox, type Sandbox } from "@herald/testkit";
import { herald, lines, startHerald, type Running } from "./run-herald.js";

describe("herald agent", () => {
  let sb: Sandbox;
  const running: Running[] = [];
  beforeAll(async () => { sb = await makeSandbox(["n1"], "line"); });
  afterEach(async () => {
    for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) {
      r.child.kill("SIGKILL");
      await r.exited;
    }
    await rm(join(sb.clones.n1!, ".git", "herald", "agent.pid"), { force: true });
  });
  afterAll(async () => { await sb?.cleanup(); });

  const start = (args: string[]) => {
    const r = startHerald(args);
    running.push(r);
    return r;
  };

  it("refuses a --repo that does not exist (exit 2, one line naming it)", async () => {
    const missing = join(tmpdir(), `herald-not-a-repo-${process.pid}`);
    const r = await herald(["agent", "--repo", missing]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`herald: ${missing} does not exist (--repo must name a git clone)`]);
  });

  it("refuses a directory that is not a git clone (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "herald-plain-dir-"));
    try {
      const r = await herald(["agent", "--repo", dir]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual([`herald: ${dir} is not a git working tree`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad git config before starting (exit 2, naming the key)", async () => {
    const bad = await makeSandbox(["n2"], "line", { config: { "herald.retryInterval": "soon" } });
    try {
      const r = await herald(["agent", "--repo", bad.clones.n2!]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual(['herald: herald.retryInterval: expected a duration such as 1s, 90s, 30m or 2h, got "soon"']);
      expect(existsSync(join(bad.clones.n2!, ".git", "herald", "agent.pid"))).toBe(false);
    } finally {
      await bad.cleanup();
    }
  });

  it("refuses a second agent on the same clone (exit 1), and stops on SIGTERM (exit 0)", async () => {
    const clone = sb.clones.n1!;
    const pidFile = join(clone, ".git", "herald", "agent.pid");
    const first = start(["agent", "--repo", clone]);
    expect(await first.waitForStderr(/\binfo +started\b/)).toContain(`repo=${clone}`);
    expect((await readFile(pidFile, "utf8")).trim()).toBe(String(first.child.pid));

    const second = await herald(["agent", "--repo", clone]);
    expect(second.code).toBe(1);
    expect(lines(second.stderr)).toHaveLength(1);
    expect(second.stderr).toMatch(/^herald: an agent is already running for .* \(pid \d+\)/);
    expect((await readFile(pidFile, "utf8")).trim()).toBe(String(first.child.pid)); // untouched

    first.child.kill("SIGTERM");
    const exit = await first.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).toMatch(/\binfo +stopped\b/);
    expect(existsSync(pidFile)).toBe(false);
    // The same records as JSON lines in <gitdir>/herald/agent.log, "started" included.
    const events = (await readFile(join(clone, ".git", "herald", "agent.log"), "utf8"))
      .trim().split("\n").map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(expect.arrayContaining(["started", "stopping", "stopped"]));
  });

  it("runs in the current directory by default and stops on SIGINT (exit 0)", async () => {
    const clone = sb.clones.n1!;
    const r = startHerald(["agent"], { cwd: clone });
    running.push(r);
    await r.waitForStderr(/\binfo +started\b/);
    r.child.kill("SIGINT");
    expect(await r.exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(join(clone, ".git", "herald", "agent.pid"))).toBe(false);
  });

  it("logs only warnings and errors with --quiet", async () => {
    const clone = sb.clones.n1!;
    const pidFile = join(clone, ".git", "herald", "agent.pid");
    const r = start(["agent", "--repo", clone, "--quiet"]);
    // No "started" line to wait for: the pid file says the agent holds the clone.
    const deadline = Date.now() + 20_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((s) => setTimeout(s, 25));
    await new Promise((s) => setTimeout(s, 300)); // let start-up finish logging (nothing, we expect)
    r.child.kill("SIGTERM");
    const exit = await r.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toMatch(/\binfo\b/);
  });
});
