// Found by npm run chaos (star around a bare hub): a clone that heard of a commit while the hub,
// its only route to it, was away gave up on it; the announcer's retried push reached the hub
// later, but nothing announced again, so the network went quiet with the clones on different
// heads. The announced commit is asked for again with backoff (fetch-policy.ts: missedFetchDelay).
// And n1's failed push is tried again 2 s, then 4 s … later (sync/retry-queue.ts), not only after
// herald.retryInterval (30 min by default, as here): before, n1's later commits skipped the
// failing hub too, and the whole star stalled for half an hour.
// Ref watching is off and n2's only remote is the bare hub: only the announcement can bring it.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { rename } from "node:fs/promises";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const NAMES = ["n1", "n2"];

describe("an announced commit no remote had yet", () => {
  let server: XmppServer;
  let sb: Sandbox | undefined;
  let agents: Record<string, Running> = {};
  afterAll(async () => {
    await stopAll(agents);
    await sb?.cleanup();
    await server?.stop();
  });

  it("is fetched once the hub is back", async () => {
    server = await startXmppServer({ accounts: NAMES });
    sb = await makeSandbox(NAMES, [], { bares: ["hub"] });
    await configureXmpp(sb, server, NAMES);
    for (const n of NAMES) agents[n] = await startOne(sb.clones[n]!, { watchRemoteRefs: false, env: { HERALD_PASSWORD: `${n}-pw` } });
    await waitFor(async () => Object.values(agents).every((r) => r.agent.channel?.stats.online), 10_000, "all online");
    const hub = sb.bare.hub!;
    await rename(hub, `${hub}.away`);
    const sha = await commitFile(sb.clones.n1!, "while-away.txt", "w\n");
    const gaveUp = () => agents.n2!.records.some((r) => r.event === "announced-commit-not-found" && r.sha === sha);
    await waitFor(async () => gaveUp(), 15_000, "n2 to hear of the commit and find it nowhere");
    await rename(`${hub}.away`, hub);
    await waitFor(async () => (await head(sb!.clones.n2!)) === sha, 30_000, "n1's commit on n2 once the hub is back");
    expect(agents.n2!.records.some((r) => r.event === "fetched-announced" && r.sha === sha && r.remote === "hub")).toBe(true);
    expect(await git(sb.clones.n2!, "status", "--porcelain")).toBe("");
    expect(agents.n1!.records.some((r) => r.event === "retry-scheduled" && r.remote === "hub")).toBe(true);
  });
});
