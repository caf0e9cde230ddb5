// A line c1–c2–c3–c4 with XMPP, where c4 also has c1 as an expensive remote (c1 does not have
// c4: it never pushes there), and c3 has stopped (its repository still there, so c2's pushes
// into it go through and nobody re-plans). A commit on c1 reaches c4 along the plan through c3,
// three pushes away, and c3 relays nothing: c4 hears c1's announcement, gives its silent parent
// a grace for each push between c1 and itself (sync/fetch-policy.ts), then fetches around it.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { PLAN_GRACE_MS } from "../src/sync/fetch-policy.js";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const NAMES = ["c1", "c2", "c3", "c4"];

describe("a line whose middle clone has stopped", () => {
  let server: XmppServer;
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopAll(agents);
    await sb?.cleanup();
    await server?.stop();
  });

  it("the clone beyond it fetches the commit around it, after a grace for each push between", async () => {
    server = await startXmppServer({ accounts: NAMES });
    sb = await makeSandbox(NAMES, "line");
    await git(sb.clones.c4!, "remote", "add", "c1", sb.clones.c1!);
    await git(sb.clones.c4!, "config", "remote.c1.herald-cost", "20");
    await configureXmpp(sb, server, NAMES);
    for (const n of NAMES) agents[n] = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => NAMES.every((n) => agents[n]!.agent.plan.heardCount >= NAMES.length - 1), 20_000, "every map advert heard");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    await agents.c3!.agent.stop(); // its advert stays in everyone's map: the plan still goes through it

    const sha = await commitFile(sb.clones.c1!, "around.txt", "round the stopped clone\n");
    const fetched = await waitFor(async () => agents.c4!.records.find((r) => r.event === "fetched-announced" && r.sha === sha), 30_000, "c4 to fetch c1's commit");
    expect(fetched).toMatchObject({ announcer: "c1", remote: "c1" });
    // c1 → c2 → c3 → c4: two pushes' grace beyond the one a neighbour gets
    expect(agents.c4!.records.find((r) => r.event === "plan-parent-late" && r.sha === sha)).toMatchObject({ parent: "c3", graceMs: 2 * PLAN_GRACE_MS });
    await waitFor(async () => (await head(sb.clones.c4!)) === sha, 10_000, "c1's commit checked out on c4");
    expect(await head(sb.clones.c3!)).not.toBe(sha);
  });
});
