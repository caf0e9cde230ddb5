// A background agent driven through its control socket, as a person would from a shell:
// agent --detach, status (text and JSON), pause/resume, sync, log, stop, and their error paths.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { herald, lines } from "./run-herald.js";

describe("a background agent and the commands that talk to it", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox(["a", "b"], "line");
  });
  afterAll(async () => {
    await herald(["stop", "--repo", sb.clones.a!]);
    await sb.cleanup();
  });

  it("starts in the background and answers status, pause, resume, sync, log and stop", async () => {
    const a = sb.clones.a!, b = sb.clones.b!;
    const started = await herald(["agent", "--detach", "--repo", a]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/agent started in the background \(pid \d+\)/);
    const sock = await stat(join(a, ".git", "herald", "control.sock"));
    expect(sock.mode & 0o777).toBe(0o600);

    const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)![1]);
    const again = await herald(["agent", "--detach", "--repo", a]);
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: `an agent is already running for ${a} (pid ${pid}); stop it with: herald stop --repo ${a}\n` });
    const second = await herald(["agent", "--repo", a]);
    expect(second.code).toBe(1);
    expect(lines(second.stderr)).toEqual([expect.stringMatching(/already running/)]);

    const status = await herald(["status", "--repo", a]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^node a: main at [0-9a-f]{10}/);
    expect(status.stdout).toContain("remote b (peer b)");
    const json = JSON.parse((await herald(["status", "--json", "--repo", a])).stdout);
    expect(json).toMatchObject({ node: "a", branch: "refs/heads/main", paused: false, conflicts: 0 });

    expect((await herald(["pause", "--repo", a])).stdout).toContain("paused");
    expect((await herald(["status", "--repo", a])).stdout).toContain("PAUSED");
    const whilePaused = await commitFile(a, "paused.txt", "x\n");
    await new Promise((r) => setTimeout(r, 500));
    expect((await git(b, "rev-parse", "-q", "--verify", "refs/remotes/a/main").catch(() => "")).trim()).not.toBe(whilePaused);
    expect((await herald(["resume", "--repo", a])).code).toBe(0);
    await waitFor(async () => (await git(b, "rev-parse", "refs/remotes/a/main")).trim() === whilePaused, 10_000, "the push after resume");

    const sync = await herald(["sync", "--repo", a]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toBe("b: up to date\n");

    // The live map (git-only here: this clone's own edges) and the plan over it.
    const map = await herald(["map", "--format", "dot", "--repo", a]);
    expect(map.code).toBe(0);
    expect(map.stdout).toMatch(/^digraph/);
    expect(map.stdout).toContain('"a" -> "b"');
    expect(JSON.parse((await herald(["plan", "--repo", a])).stdout)).toEqual({ parent: { b: "a" }, cost: 100, unreachable: [] });

    const log = await herald(["log", "-n", "200", "--repo", a]);
    expect(log.stdout).toMatch(/ paused/);
    expect(log.stdout).toMatch(/pusher pushed node=a remote=b/);

    const stopped = await herald(["stop", "--repo", a]);
    expect(stopped.code).toBe(0);
    await expect(stat(join(a, ".git", "herald", "agent.pid"))).rejects.toThrow();
    await expect(stat(join(a, ".git", "herald", "control.sock"))).rejects.toThrow();
    expect(await head(a)).toBe(whilePaused);
  });

  it("says plainly when no agent runs or the directory is not a clone", async () => {
    const none = await herald(["status", "--repo", sb.clones.b!]);
    expect(none.code).toBe(1);
    expect(lines(none.stderr)).toEqual([expect.stringMatching(/^herald: no agent is running for .*herald agent --detach/)]);
    const notRepo = await herald(["status", "--repo", sb.root]);
    expect(notRepo.code).toBe(2);
    expect(lines(notRepo.stderr)).toEqual([expect.stringMatching(/is not a git clone/)]);
    expect((await herald(["stop", "--repo", sb.clones.b!])).code).toBe(1);
  });
});
