// `herald daemon` as a person runs it: in the background, fed with `herald add`, asked with
// `herald status` inside a clone (that clone) and outside (every repository, one line each),
// told of a vanished repository, and stopped with `herald stop`.
import { commitFile, git, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { herald, lines } from "./run-herald.js";

/** What clone `to` holds of `from`'s branch: pushes land in refs/remotes/<from>/main (no agent runs there). */
const received = (sb: Sandbox, from: string, to: string) => git(sb.clones[to]!, "rev-parse", `refs/remotes/${from}/main`).then((s) => s.trim(), () => "");

describe("herald daemon", () => {
  let sb: Sandbox;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // Three pairs of clones (one repository each): a* served here, each pushing into its peer b*.
    sb = await makeSandbox(["a1", "b1", "a2", "b2", "a3", "b3"], [["a1", "b1"], ["a2", "b2"], ["a3", "b3"]]);
    home = await mkdtemp(join(tmpdir(), "herald-home-"));
    env = { XDG_CONFIG_HOME: join(home, "config"), XDG_RUNTIME_DIR: join(home, "run"), XDG_STATE_HOME: join(home, "state") };
  });
  afterAll(async () => {
    await herald(["stop"], { cwd: home, env });
    await sb.cleanup();
    await rm(home, { recursive: true, force: true });
  });

  it("serves every repository on its list; status inside a clone and outside; a vanished or damaged one is its own error", async () => {
    const none = await herald(["status"], { cwd: home, env });
    expect(none.code).toBe(1);
    expect(lines(none.stderr)).toEqual(["herald: no Herald daemon is running (start it with: herald daemon --detach)"]);

    for (const n of ["a1", "a2"]) expect((await herald(["add", sb.clones[n]!], { env })).code).toBe(0);
    const all = async () => JSON.parse((await herald(["status", "--json"], { cwd: home, env })).stdout) as { pid: number; repos: Array<{ repo: string; head: string | null; error?: string }> };
    const started = await herald(["daemon", "--detach"], { cwd: home, env });
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^daemon started in the background \(pid \d+\); log: .*daemon\.log/);
    const sock = await stat(join(home, "run", "herald", "control.sock"));
    expect(sock.mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "run", "herald"))).mode & 0o777).toBe(0o700);
    const second = await herald(["daemon"], { cwd: home, env });
    expect(second.code).toBe(1);
    expect(lines(second.stderr)).toEqual([expect.stringMatching(/^herald: a Herald daemon is already running \(pid \d+\)/)]);

    // Added while it runs: served at once. A clone whose config is broken is that clone's error.
    expect((await herald(["add", sb.clones.a3!], { env })).code).toBe(0);
    await git(sb.clones.b3!, "config", "herald.retryInterval", "soon");
    expect((await herald(["add", sb.clones.b3!], { env })).code).toBe(0);
    await waitFor(async () => (await all()).repos.some((r) => r.repo === sb.clones.b3 && r.error?.includes("herald.retryInterval")), 15_000, "b3's config error reported");
    // Mended, it is served again: its config is watched (adding b1 below changes nothing for b3).
    await git(sb.clones.b3!, "config", "--unset", "herald.retryInterval");
    expect((await herald(["add", sb.clones.b1!], { env })).code).toBe(0);
    await waitFor(async () => (await all()).repos.some((r) => r.repo === sb.clones.b3 && r.head && !r.error), 15_000, "b3 served once mended");
    for (const n of ["b1", "b3"]) expect((await herald(["remove", sb.clones[n]!], { env })).code).toBe(0);
    await waitFor(async () => (await all()).repos.filter((r) => r.head && !r.error).length === 3, 15_000, "three repositories served");
    for (const n of ["1", "2", "3"]) {
      const sha = await commitFile(sb.clones[`a${n}`]!, "from-a.txt", `${n}\n`);
      await waitFor(async () => (await received(sb, `a${n}`, `b${n}`)) === sha, 15_000, `a${n}'s commit pushed into b${n}`);
    }

    const text = await herald(["status"], { cwd: home, env });
    expect(text.code).toBe(0);
    expect(lines(text.stdout)[0]).toMatch(/^daemon \(pid \d+\): 3 repositories$/);
    for (const n of ["a1", "a2", "a3"]) expect(text.stdout).toContain(`${sb.clones[n]}: main at `);
    // Inside a clone: that clone, in full, as before.
    const one = await herald(["status"], { cwd: sb.clones.a2!, env });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^node a2: main at [0-9a-f]{10}/);
    expect(one.stdout).toContain("remote b2 (peer b2): in sync");

    // A vanished directory: that repository's error, exit 1 when asked about it; the rest sync on.
    await rm(sb.clones.a1!, { recursive: true, force: true });
    const after = await herald(["status"], { cwd: home, env });
    expect(after.stdout).toContain(`${sb.clones.a1}: ERROR: ${sb.clones.a1} is gone`);
    const gone = await herald(["status", "--json", "--repo", sb.clones.a1!], { cwd: home, env });
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stdout).error).toMatch(/is gone .*herald remove/);
    // A damaged object store: that repository's error too.
    const objects = join(sb.clones.a3!, ".git", "objects");
    for (const d of await readdir(objects)) if (d !== "info") await rm(join(objects, d), { recursive: true, force: true });
    const damaged = await herald(["status"], { cwd: home, env });
    expect(damaged.stdout).toMatch(new RegExp(`${sb.clones.a3}: ERROR: HEAD's commit [0-9a-f]{10} cannot be read: the object store is damaged`));
    const sha = await commitFile(sb.clones.a2!, "after.txt", "after\n");
    await waitFor(async () => (await received(sb, "a2", "b2")) === sha, 15_000, "a2 to keep syncing");

    // herald stop in a clone the daemon serves does not stop every repository: it says what would.
    const inClone = await herald(["stop"], { cwd: sb.clones.a2!, env });
    expect(inClone.code).toBe(1);
    expect(lines(inClone.stderr)).toEqual([expect.stringMatching(/is served by the daemon \(pid \d+\): herald remove .* stops syncing it/)]);
    const stopped = await herald(["stop"], { cwd: home, env });
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^stopped daemon \d+/);
    await expect(stat(join(home, "run", "herald", "control.sock"))).rejects.toThrow();
  });
});
