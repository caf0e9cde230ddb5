// A peer that is offline (its directory renamed away) gets the change after it returns, through
// the retry queue, and the queue (.git/herald/retry-queue.json) survives an agent restart.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { startOne, stopAll, type Running } from "./helpers.js";
import { recordsOf } from "./fixtures.js";

interface Entry { firstFailure: number; attempts: number; error: string }

describe("push retry queue", () => {
  let sb: Sandbox;
  const running: Running[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
    await sb?.cleanup();
  });

  const queueFile = () => join(sb.clones.a!, ".git", "herald", "retry-queue.json");
  const queued = async (): Promise<Record<string, Entry>> => JSON.parse(await readFile(queueFile(), "utf8")) as Record<string, Entry>;

  it("delivers to a peer that was offline across a restart of the sender's agent", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const a = sb.clones.a!, b = sb.clones.b!, away = join(sb.root, "b-offline");
    await git(a, "config", "herald.retryInterval", "1s");

    const first = await startOne(a);
    running.push(first);
    await rename(b, away); // b goes offline (b's own agent is not running either)
    const sha = await commitFile(a, "a.txt", "made while b is away\n");

    await waitFor(async () => recordsOf(first, "push-failed").some((r) => r.remote === "b" && r.sha === sha), 20_000, "a's push to b to fail");
    await waitFor(async () => (await queued()).b, 20_000, "the queue file to list b");

    await first.agent.stop();
    running.splice(0);
    const persisted = (await queued()).b!;
    expect(persisted.attempts).toBeGreaterThanOrEqual(1);
    expect(persisted.error).toMatch(/b/);

    // A new agent takes the queue over from the file (same first failure, more attempts) and its
    // retrier keeps trying b every second.
    const second = await startOne(a);
    running.push(second);
    const retried = () => recordsOf(second, "retrying").filter((r) => (r.remotes as string[]).includes("b")).length;
    await waitFor(async () => retried() >= 1 && recordsOf(second, "push-failed").length >= 2, 20_000, "the restarted agent to retry b");
    const e = (await queued()).b!;
    expect(e.firstFailure).toBe(persisted.firstFailure);
    expect(e.attempts).toBeGreaterThan(persisted.attempts);
    expect(second.agent.retryQueue.b?.firstFailure).toBe(persisted.firstFailure);

    // b returns. Nothing new happens on a, so only the retrier can push to b now.
    const mark = second.records.length;
    await rename(away, b);
    running.push(await startOne(b));
    await waitFor(async () => (await head(b)) === sha, 20_000, "b to get a's commit");
    await waitFor(async () => !(await queued()).b, 20_000, "b's entry to leave the queue file");
    expect(second.agent.retryQueue.b).toBeUndefined();

    const after = second.records.slice(mark);
    const pushedAt = after.findIndex((r) => r.event === "pushed" && r.remote === "b" && r.sha === sha);
    const retryAt = after.findIndex((r) => r.event === "retrying" && (r.remotes as string[]).includes("b"));
    expect(pushedAt).toBeGreaterThan(-1);
    expect(retryAt).toBeGreaterThan(-1);
    expect(retryAt).toBeLessThan(pushedAt);
  }, 60_000);

  it("retries a relay to an offline peer once per interval, not in a tight loop", async () => {
    sb = await makeSandbox(["c", "a", "b"], "line"); // c–a–b: a relays c's commits to b
    const a = sb.clones.a!;
    await git(a, "config", "herald.retryInterval", "1s");
    await rename(sb.clones.b!, join(sb.root, "b-offline"));
    const relay = await startOne(a);
    running.push(relay, await startOne(sb.clones.c!));
    const sha = await commitFile(sb.clones.c!, "c.txt", "from c\n");
    const failures = () => recordsOf(relay, "push-failed").filter((r) => r.remote === "b").length;
    await waitFor(async () => (await head(a)) === sha && failures() > 0, 20_000, "a to take c's commit and fail to relay it");
    await new Promise((r) => setTimeout(r, 3000));
    // Three retry intervals: a few attempts (each one try plus two quick p-retry tries), not hundreds.
    expect(failures()).toBeLessThanOrEqual(6);
    expect(recordsOf(relay, "retrying").length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
