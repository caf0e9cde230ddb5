// herald.maxBytesPerSecond: a push that would exceed the byte budget waits for it, and the
// wait is logged; the change still arrives.
import { commitFile, git, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { randomBytes } from "node:crypto";
import { startOne, type Running } from "./helpers.js";

describe("transfer rate limits", () => {
  let sb: Sandbox;
  let a: Running | undefined;
  afterEach(async () => {
    await a?.agent.stop();
    await sb?.cleanup();
  });

  it("spaces pushes out to stay under the byte rate", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    await git(sb.clones.a!, "config", "herald.maxBytesPerSecond", "2k");
    a = await startOne(sb.clones.a!);
    await a.agent.idle();
    const first = await commitFile(sb.clones.a!, "one.bin", randomBytes(6000)); // ~6 KB: the budget goes into debt
    await waitFor(async () => (await git(sb.clones.b!, "rev-parse", "refs/remotes/a/main")).trim() === first, 10_000, "the first push");
    const sent = Date.now();
    const second = await commitFile(sb.clones.a!, "two.txt", "small\n");
    const waited = await waitFor(async () => a!.records.find((r) => r.event === "transfer-waiting" && r.limit === "bytes per second" && Date.parse(r.t) >= sent), 10_000, "a logged wait");
    expect(Number(waited.ms)).toBeGreaterThan(500);
    await waitFor(async () => (await git(sb.clones.b!, "rev-parse", "refs/remotes/a/main")).trim() === second, 15_000, "the second push after the wait");
    expect(Date.now() - sent).toBeGreaterThanOrEqual(Number(waited.ms) - 50);
  });
});
