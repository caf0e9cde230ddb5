// A commit on any node reaches every node by pushes and ref watching alone (no XMPP):
// a line A–B–C where A and C never talk, and a 5-node mesh.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
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

  it("pushes quick commits (350 ms apart) each on its own as soon as the push before it ended, none held for a window", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    agents = await startAgents(sb.clones);
    for (let i = 0; i < 3; i++) {
      const warm = await commitFile(sb.clones.a!, `warm-${i}.txt`, "alone\n");
      await waitFor(() => sameHead(sb.clones, warm), 15_000, "a commit on b");
      await agents.a!.agent.idle();
    }
    // A script's few commits, or commit-then-amend: each starts 350 ms after the one before. A
    // time window held the third and pushed it with the fourth (no push of the third's sha).
    // On a machine so loaded that a push takes longer than that, they come two pushes' time apart
    // (a commit while the push before it is in flight waits for it, and goes with the next).
    const pushMs = Math.min(...agents.a!.records.filter((r) => r.event === "pushed").map((r) => Number(r.ms)));
    const every = Math.max(350, 2 * pushMs + 100);
    const shas: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + every * i - Date.now())));
      shas.push(await commitFile(sb.clones.a!, `quick-${i}.txt`, `${i}\n`));
    }
    await waitFor(() => sameHead(sb.clones, shas[3]!), 15_000, "the last commit on b");
    await agents.a!.agent.idle();
    const pushed = agents.a!.records.filter((r) => r.event === "pushed" && r.remote === "b").map((r) => r.sha);
    expect(shas.filter((sha) => pushed.includes(sha))).toEqual(shas);
  });

  it("sends a burst of 200 commits as at most 10 pushes, merged as at most 10, and the last one arrives", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    agents = await startAgents(sb.clones);
    const first = await commitFile(sb.clones.a!, "burst.txt", "start\n");
    await waitFor(() => sameHead(sb.clones, first), 15_000, "the first commit on b");
    await agents.a!.agent.idle();
    const pushedBefore = agents.a!.records.filter((r) => r.event === "pushed").length;
    const mergedBefore = agents.b!.records.filter((r) => r.event === "merged").length;
    // As fast as a `git commit -a` loop goes, as the bench's burst does.
    for (let i = 0; i < 199; i++) {
      await writeFile(join(sb.clones.a!, "burst.txt"), `${i}\n`);
      await git(sb.clones.a!, "commit", "-q", "-a", "-m", `burst ${i}`);
    }
    const last = await commitFile(sb.clones.a!, "burst-last.txt", "last\n");
    await waitFor(() => sameHead(sb.clones, last), 30_000, "the burst's last commit on b");
    await agents.a!.agent.idle();
    await agents.b!.agent.idle();
    expect(agents.a!.records.filter((r) => r.event === "pushed").length - pushedBefore).toBeLessThanOrEqual(10);
    expect(agents.b!.records.filter((r) => r.event === "merged").length - mergedBefore).toBeLessThanOrEqual(10);
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
