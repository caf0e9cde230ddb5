// A bad setting in one clone, as a person meets it with a running daemon: that repository's error
// in `herald status`, `herald status --json` and the dashboard's /api/status, while the other
// repository keeps syncing; mending the setting brings it back within a second or two, no
// restart. Broken before the daemon starts, or while it runs: the same.
import { commitFile, git, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { herald } from "./run-herald.js";

const BAD = 'herald.retryInterval: expected a duration such as 1s, 90s, 30m or 2h, got "banana"';
/** What clone `to` holds of `from`'s branch: pushes land in refs/remotes/<from>/main (no agent runs there). */
const received = (sb: Sandbox, from: string, to: string) => git(sb.clones[to]!, "rev-parse", `refs/remotes/${from}/main`).then((s) => s.trim(), () => "");

interface Repo { repo: string; state: string; head: string | null; error?: string }

describe("a clone's settings changed while the daemon runs", () => {
  let sb: Sandbox;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sb = await makeSandbox(["a1", "b1", "a2", "b2"], [["a1", "b1"], ["a2", "b2"]]);
    home = await mkdtemp(join(tmpdir(), "herald-home-"));
    env = { XDG_CONFIG_HOME: join(home, "config"), XDG_RUNTIME_DIR: join(home, "run"), XDG_STATE_HOME: join(home, "state") };
    await mkdir(join(home, "config", "herald"), { recursive: true });
    await writeFile(join(home, "config", "herald", "config"), "[herald]\n\twebPort = 0\n");
  });
  afterAll(async () => {
    await herald(["stop"], { cwd: home, env });
    await sb.cleanup();
    await rm(home, { recursive: true, force: true });
  });

  it("a bad setting is that repository's error in status, --json and the dashboard; the other syncs on; mended, it comes back", async () => {
    const [a1, a2] = [sb.clones.a1!, sb.clones.a2!];
    await git(a2, "config", "herald.retryInterval", "banana");
    for (const d of [a1, a2]) expect((await herald(["add", d], { env })).code).toBe(0);
    expect((await herald(["daemon", "--detach"], { cwd: home, env })).code).toBe(0);
    const all = async () => (JSON.parse((await herald(["status", "--json"], { cwd: home, env })).stdout) as { repos: Repo[] }).repos;
    const of = async (dir: string) => (await all()).find((r) => r.repo === dir);
    const serving = async (dir: string) => { const r = await of(dir); return r?.head && !r.error; };

    // Broken when the daemon starts: a2's error, a1 syncs.
    await waitFor(async () => (await of(a2))?.error === BAD && serving(a1), 15_000, "a2's error, a1 served");
    expect((await of(a2))?.state).toBe("error");
    const text = await herald(["status"], { cwd: home, env });
    expect(text.stdout).toContain(`${a2}: ERROR: ${BAD}`);
    const inside = await herald(["status"], { cwd: a2, env });
    expect(inside.code).toBe(1);
    expect(inside.stdout + inside.stderr).toContain(BAD);
    const link = (await herald(["open", "--no-browser"], { cwd: home, env })).stdout.trim();
    const key = (await readFile(join(home, "config", "herald", "api-key"), "utf8")).trim();
    const api = async () => ((await (await fetch(`${new URL(link).origin}/api/status`, { headers: { "X-API-Key": key } })).json()) as { repos: Repo[] }).repos;
    expect((await api()).find((r) => r.repo === a2)?.error).toBe(BAD);
    expect((await api()).find((r) => r.repo === a1)?.error).toBeUndefined();
    const sha1 = await commitFile(a1, "one.txt", "1\n");
    await waitFor(async () => (await received(sb, "a1", "b1")) === sha1, 10_000, "a1's commit pushed into b1");

    // Mended: served within a couple of seconds, no restart of the daemon.
    const pid = JSON.parse((await herald(["status", "--json"], { cwd: home, env })).stdout).pid as number;
    await git(a2, "config", "herald.retryInterval", "5m");
    await waitFor(() => serving(a2), 3_000, "a2 served once mended");
    const sha2 = await commitFile(a2, "two.txt", "2\n");
    await waitFor(async () => (await received(sb, "a2", "b2")) === sha2, 10_000, "a2's commit pushed into b2");

    // Broken while it runs: the same error, the other repository carries on; mended again, back.
    await git(a2, "config", "herald.retryInterval", "banana");
    await waitFor(async () => (await of(a2))?.error === BAD, 3_000, "a2's error while running");
    expect((await herald(["status"], { cwd: home, env })).stdout).toContain(`${a2}: ERROR: ${BAD}`);
    const sha3 = await commitFile(a1, "three.txt", "3\n");
    await waitFor(async () => (await received(sb, "a1", "b1")) === sha3, 10_000, "a1 to keep syncing");
    await git(a2, "config", "--unset", "herald.retryInterval");
    await waitFor(() => serving(a2), 3_000, "a2 served once mended again");
    expect(JSON.parse((await herald(["status", "--json"], { cwd: home, env })).stdout).pid).toBe(pid);
  });
});
