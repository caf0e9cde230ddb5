// herald.hook: the user's program runs after each event with HERALD_* set; a hook that hangs
// neither stalls syncing nor outlives its timeout.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { chmod, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAgents, stopAll, type Running } from "./helpers.js";
import { exists, recordsOf } from "./fixtures.js";

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe("herald.hook", () => {
  let sb: Sandbox;
  let agents: Record<string, Running>;
  let orphan = 0;
  afterEach(async () => {
    if (orphan && alive(orphan)) process.kill(orphan, "SIGKILL");
    await stopAll(agents ?? {});
    await sb?.cleanup();
  });

  async function withHook(body: string, opts: { hookTimeoutMs?: number } = {}) {
    sb = await makeSandbox(["a", "b"], "line");
    const hook = join(sb.root, "hook.sh");
    await writeFile(hook, `#!/bin/sh\necho "$HERALD_EVENT $HERALD_REF $HERALD_SHA $HERALD_REMOTE $HERALD_REPO" >> '${sb.root}/events.log'\n${body}`);
    await chmod(hook, 0o755);
    await git(sb.clones.a!, "config", "herald.hook", hook);
    agents = await startAgents(sb.clones, opts);
  }
  const lines = async () => (await readFile(join(sb.root, "events.log"), "utf8").catch(() => "")).split("\n").filter(Boolean);

  it("runs with the event, ref, sha, remote and repository in its environment", async () => {
    await withHook("");
    const a = await realpath(sb.clones.a!);
    const sha = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    const pushed = `pushed refs/heads/main ${sha} b ${a}`;
    await waitFor(async () => (await lines()).includes(pushed), 20_000, "the pushed hook line");
    const got = await lines();
    expect(got).toContain(`commit refs/heads/main ${sha}  ${a}`);
    expect(got.indexOf(`commit refs/heads/main ${sha}  ${a}`)).toBeLessThan(got.indexOf(pushed));
  }, 60_000);

  it("does not stall syncing when it hangs, and is killed after the timeout with what it started", async () => {
    // The first run hangs in a child of the hook's shell; later runs return at once.
    await withHook('if mkdir "$HERALD_REPO/../hung-once" 2>/dev/null; then\n  sleep 600 &\n  echo $! > "$HERALD_REPO/../sleep.pid"\n  wait\nfi\n', { hookTimeoutMs: 4000 });
    const t0 = Date.now();
    const sha = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    await waitFor(async () => (await head(sb.clones.b!)) === sha, 20_000, "a's commit on b");
    const delivered = Date.now() - t0;
    await waitFor(() => exists(join(sb.root, "sleep.pid")), 5000, "the hanging hook to start");
    orphan = Number((await readFile(join(sb.root, "sleep.pid"), "utf8")).trim());
    // Delivered while the hook still hangs: syncing did not wait for it.
    expect(alive(orphan)).toBe(true);
    expect(recordsOf(agents.a!, "hook-timeout")).toEqual([]);

    await waitFor(async () => recordsOf(agents.a!, "hook-timeout").length > 0, 20_000, "the hook timeout");
    await waitFor(async () => !alive(orphan), 5000, "the hook's own child to be killed too");
    // The hooks queued behind it still run, in order.
    await waitFor(async () => (await lines()).some((l) => l.startsWith(`pushed refs/heads/main ${sha} b `)), 20_000, "the pushed hook after the timeout");
    expect(delivered).toBeLessThan(4000);
  }, 60_000);
});
