// A USB drive holding a bare repository: while it is absent it is not tried; when it is plugged
// in (simulated with a bind mount under /mnt, which needs root, as CI has; otherwise with the
// drive's directory being renamed into place) the agent syncs with it both ways within a second.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { startOne, type Running } from "./helpers.js";

const run = promisify(execFile);

describe("a removable drive", () => {
  let sb: Sandbox;
  let agent: Running | undefined;
  let mountPoint: string | undefined;
  let mounted = false;
  afterEach(async () => {
    await agent?.agent.stop();
    if (mounted) await run("umount", [mountPoint!]).catch(() => undefined);
    if (mountPoint) await rm(mountPoint, { recursive: true, force: true });
    await sb?.cleanup();
  });

  it("is synced both ways as soon as it appears, and not retried while absent", async () => {
    sb = await makeSandbox(["a", "b"], "line", { bares: ["stick"] });
    const a = sb.clones.a!;
    // The drive already holds a commit from b that a does not have.
    const fromB = await commitFile(sb.clones.b!, "b.txt", "from b\n");
    await git(sb.clones.b!, "push", "-q", "stick", "main");
    await git(a, "remote", "remove", "b");
    mountPoint = await mkdtemp("/mnt/herald-usb-");
    const drivePath = join(mountPoint, "stick.git");
    await git(a, "remote", "set-url", "stick", drivePath);
    agent = await startOne(a);
    expect(agent.agent.remotes.find((r) => r.name === "stick")?.path).toBe(drivePath);

    const local = await commitFile(a, "a.txt", "from a while the drive is away\n");
    await new Promise((r) => setTimeout(r, 400));
    expect(agent.records.filter((r) => r.event === "push-failed" && r.remote === "stick")).toEqual([]);

    // Plug it in.
    const plugged = Date.now();
    try {
      await run("mount", ["--bind", join(sb.root), mountPoint]);
      mounted = true;
    } catch {
      // Not root: the drive's directory appears by rename instead (no mount event, same path).
      console.log("usb test: mount --bind needs root; simulating the drive with a directory rename");
      await mkdir(mountPoint, { recursive: true });
      await rename(sb.bare.stick!, drivePath);
    }
    const appeared = await waitFor(async () => agent!.records.find((r) => r.event === "drive-appeared"), 5_000, "the agent to notice the drive");
    const startedMs = Date.parse(String(appeared.t)) - plugged;
    console.log(`usb test: sync started ${startedMs} ms after the drive appeared (${mounted ? "bind mount" : "rename"})`);
    expect(startedMs).toBeLessThan(1000);

    await waitFor(async () => agent!.records.find((r) => r.event === "drive-synced"), 10_000, "the sync with the drive");
    const final = await head(a);
    expect((await git(a, "merge-base", "--is-ancestor", fromB, final).then(() => true, () => false))).toBe(true);
    expect((await git(a, "merge-base", "--is-ancestor", local, final).then(() => true, () => false))).toBe(true);
    expect((await git(drivePath, "rev-parse", "main")).trim()).toBe(final);
  });
});
