// Found by npm run chaos (star around a bare hub): a clone that heard of a commit while the hub,
// its only route to it, was away gave up on it; the announcer's retried push reached the hub
// later, but nothing announced again, so the network went quiet with the clones on different
// heads. The announced commit is asked for again with backoff (fetch-policy.ts: missedFetchDelay).
// And n1's failed push is tried again 2 s, then 4 s … later (sync/retry-queue.ts), not only after
// herald.retryInterval (30 min by default, as here): before, n1's later commits skipped the
// failing hub too, and the whole star stalled for half an hour.
// Ref watching is off and n2's only remote is the bare hub: only the announcement can bring it.
import { announcementToElement, pubsubNodeName } from "@herald/protocol";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { rename } from "node:fs/promises";
import { sleep } from "./fixtures.js";
import { asUser, configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const NAMES = ["n1", "n2"];

describe("an announced commit no remote had yet", () => {
  let server: XmppServer;
  let sb: Sandbox | undefined;
  let agents: Record<string, Running> = {};
  afterEach(async () => {
    await stopAll(agents);
    agents = {};
    await sb?.cleanup();
  });
  afterAll(async () => server?.stop());

  beforeAll(async () => void (server = await startXmppServer({ accounts: NAMES })));

  it("is fetched once the hub is back", async () => {
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

  // Also chaos (mesh10): an announced Herald merge its maker has since replaced is on no branch,
  // so asking for it again found nothing for an hour and a half, 160 fetches in ten quiet seconds.
  // A good fetch from the announcer without the commit means its branch has left it: what the
  // branch holds now is merged, and the commit is not asked for again.
  it("is not asked for again once the announcer's own branch has left it", async () => {
    sb = await makeSandbox(NAMES, "line");
    await configureXmpp(sb, server, NAMES);
    const [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    agents.n2 = await startOne(n2, { watchRemoteRefs: false, env: { HERALD_PASSWORD: "n2-pw" } });
    await waitFor(async () => agents.n2!.agent.channel?.stats.online === true, 10_000, "n2 online");
    const left = await commitFile(n1, "reset-away.txt", "r\n");
    await git(n1, "reset", "-q", "--keep", "HEAD~1");
    const now = await commitFile(n1, "kept.txt", "k\n");
    const repo = (await git(n2, "rev-list", "--max-parents=0", "HEAD")).trim();
    await asUser(server, pubsubNodeName(repo), "n1", (_s, n) => n.publish("left", announcementToElement({ repo, ref: "refs/heads/main", sha: left, prev: null, node: "n1", seq: Date.now(), time: Date.now() })));
    await waitFor(async () => (await head(n2)) === now, 15_000, "n2 at what n1's branch holds now");
    await sleep(3000); // a commit found nowhere is asked for again after 1 s, then 2 s
    const seen = (event: string) => agents.n2!.records.filter((r) => r.event === event && r.sha === left).length;
    expect(seen("announced-commit-superseded")).toBe(1);
    expect(seen("announced-commit-not-found")).toBe(0);
    expect(await git(n2, "status", "--porcelain")).toBe("");
  });
});
