// A commit on any node reaches every node by pushes and ref watching alone (no XMPP):
// a line A–B–C where A and C never talk, and a 5-node mesh.
import { commitFile, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { startAgents, stopAll, type Running } from "./helpers.js";

const sameHead = async (clones: Record<string, string>, sha: string) =>
  (await Promise.all(Object.values(clones).map(head))).every((h) => h === sha);

describe("relay without XMPP", () => {
  let sb: Sandbox;
  let agents: Record<string, Running>;
  afterEach(async () => {
    await stopAll(agents ?? {});
    await sb?.cleanup();
  });

  it("carries a commit along a line A–B–C in both directions", async () => {
    sb = await makeSandbox(["a", "b", "c"], "line");
    agents = await startAgents(sb.clones);
    const fromA = await commitFile(sb.clones.a!, "a.txt", "from a\n");
    await waitFor(() => sameHead(sb.clones, fromA), 15_000, "a's commit on every node");
    const fromC = await commitFile(sb.clones.c!, "c.txt", "from c\n");
    await waitFor(() => sameHead(sb.clones, fromC), 15_000, "c's commit on every node");
    // a and c have no remote for each other: it came through b.
    expect(agents.a!.agent.remotes.map((r) => r.name)).toEqual(["b"]);
  });

  it("sends a burst of commits as a few pushes, and the last one arrives", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    // Commits up to 1 s apart count as one burst here, so a loaded machine's slow commits still do.
    agents = await startAgents(sb.clones, { burst: { gapMs: 1000, maxMs: 2000 } });
    const first = await commitFile(sb.clones.a!, "first.txt", "alone\n");
    await waitFor(() => sameHead(sb.clones, first), 15_000, "the first commit on b");
    const pushedBefore = agents.a!.records.filter((r) => r.event === "pushed").length;
    let last = "";
    for (let i = 0; i < 60; i++) last = await commitFile(sb.clones.a!, `burst-${i}.txt`, `${i}\n`);
    await waitFor(() => sameHead(sb.clones, last), 15_000, "the burst's last commit on b");
    await agents.a!.agent.idle();
    const pushes = agents.a!.records.filter((r) => r.event === "pushed").length - pushedBefore;
    // At most one push at the burst's start, one every 2 s while it lasts, one when it stops
    // (one push per commit's time to push, ~25 here, without batching).
    expect(pushes).toBeLessThanOrEqual(6);
  });

  it("carries a commit from any node of a 5-node mesh to all others", async () => {
    const names = ["n1", "n2", "n3", "n4", "n5"];
    sb = await makeSandbox(names, "mesh");
    agents = await startAgents(sb.clones);
    for (const n of ["n3", "n5"]) {
      const sha = await commitFile(sb.clones[n]!, `${n}.txt`, `${n}\n`);
      await waitFor(() => sameHead(sb.clones, sha), 15_000, `${n}'s commit everywhere`);
    }
    // Peers were written under refs/remotes/<node>/main, never into a checked-out branch.
    const pushed = agents.n3!.records.filter((r) => r.event === "pushed").map((r) => r.target);
    expect(new Set(pushed)).toEqual(new Set(["refs/remotes/n3/main"]));
  });
});
