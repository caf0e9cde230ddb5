// Four agents whose map has a cheap and an expensive route: a change from a travels the cheap
// one (a→b→d, not a→d), and still arrives everywhere when the cheap link is down.
//   a: b (1), c (5), d (20)   b: a (1), d (1)   c: a (5), d (5)   d: a (20), b (1), c (5)
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { rename } from "node:fs/promises";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const names = ["a", "b", "c", "d"];
const costs: Record<string, Record<string, number>> = {
  a: { b: 1, c: 5, d: 20 }, b: { a: 1, d: 1 }, c: { a: 5, d: 5 }, d: { a: 20, b: 1, c: 5 },
};

describe("transfers follow the minimum-cost plan", () => {
  let server: XmppServer;
  let sb: Sandbox;
  const agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopAll(agents);
    await sb?.cleanup();
    await server?.stop();
  });

  it("takes the cheap route, and goes round it when it is down", async () => {
    server = await startXmppServer({ accounts: names });
    sb = await makeSandbox(names, [["a", "b"], ["a", "c"], ["a", "d"], ["b", "d"], ["c", "d"]]);
    await configureXmpp(sb, server, names);
    for (const n of names) {
      const dir = sb.clones[n]!;
      await git(dir, "config", "herald.retryInterval", "1h");
      for (const [remote, cost] of Object.entries(costs[n]!)) await git(dir, "config", `remote.${remote}.herald-cost`, String(cost));
    }
    for (const n of names) agents[n] = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    // Wait until every agent has heard every other agent's map advert.
    await waitFor(async () => names.every((n) => agents[n]!.agent.plan.heardCount >= 3), 15_000, "the map to be gossiped");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));

    const pushesOf = (n: string, sha: string) => agents[n]!.records.filter((r) => r.event === "pushed" && r.sha === sha).map((r) => r.remote).sort();
    const sha = await commitFile(sb.clones.a!, "cheap.txt", "by the cheap route\n");
    await waitFor(async () => (await Promise.all(names.map((n) => head(sb.clones[n]!)))).every((h) => h === sha), 20_000, "the commit everywhere");
    await Promise.all(Object.values(agents).map((r) => r.agent.idle()));
    expect(pushesOf("a", sha)).toEqual(["b", "c"]); // not d: 20 > 1 + 1
    expect(pushesOf("b", sha)).toEqual(["d"]);
    // d got it from b's push (its merge names b as the source), not from a and not by fetching.
    expect(pushesOf("d", sha)).toEqual([]);
    expect(agents.d!.records.filter((r) => r.event === "fetched-announced" && r.sha === sha)).toEqual([]);

    // The cheap link goes down: b disappears.
    await agents.b!.agent.stop();
    await rename(sb.clones.b!, `${sb.clones.b}-away`);
    const second = await commitFile(sb.clones.a!, "detour.txt", "round the broken link\n");
    await waitFor(async () => (await head(sb.clones.c!)) === second && (await head(sb.clones.d!)) === second, 20_000, "the commit on c and d without b");
    expect(agents.a!.records.some((r) => r.event === "push-failed" && r.remote === "b" && r.sha === second)).toBe(true);
  });
});
