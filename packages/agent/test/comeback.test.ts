// A remote that drops out and comes back (issue 27, Deliver 4): status names it within seconds,
// with the time it went and the cause; once back it is used at once, by the next commit or by
// the first sign of it (its node's announcement), not when its retry backoff runs out. Two
// clones with ssh:// remotes through the test kit's link simulator and a real sshd.
import { commitFile, git, head, makeSandbox, startLink, startSshd, startXmppServer, waitFor, type Link, type Sandbox, type Sshd, type XmppServer } from "@herald/testkit";
import { failureText } from "../src/status.js";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

describe("a remote that comes back", () => {
  let sshd: Sshd;
  let server: XmppServer;
  let sb: Sandbox;
  let link: Link;
  const agents: Running[] = [];

  beforeAll(async () => {
    [sshd, server] = await Promise.all([startSshd(), startXmppServer({ accounts: ["a", "b", "d"] })]);
  });
  afterAll(async () => { await Promise.all([sshd?.stop(), server?.stop()]); });
  beforeEach(async () => {
    sb = await makeSandbox(["a", "b", "d"], []); // d: a clone that only hears of a's commits
    link = await startLink({ target: { host: sshd.host, port: sshd.port } });
    for (const [x, y] of [["a", "b"], ["b", "a"]] as const) {
      await git(sb.clones[x]!, "remote", "add", y, sshd.url(sb.clones[y]!, link.port));
      await git(sb.clones[x]!, "config", "core.sshCommand", sshd.sshCommand);
    }
  });
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await link?.stop();
    await sb?.cleanup();
  });

  const start = async (n: "a" | "b" | "d") => {
    const r = await startOne(sb.clones[n]!, { env: { HERALD_PASSWORD: `${n}-pw` } });
    agents.push(r);
    return r;
  };

  /** The link goes (every connection reset); a commit on a then fails to reach b. Status says so
   * within 15 s, and a's syncs that fail too grow b's backoff past 20 s. */
  const outage = async (a: Running, name: string) => {
    link.reset();
    const cut = Date.now();
    const sha = await commitFile(sb.clones.a!, name, `${name}\n`);
    await waitFor(async () => (await a.agent.status()).retries.b !== undefined, 15_000, "status naming b as failing");
    expect(Date.now() - cut).toBeLessThan(15_000);
    const entry = (await a.agent.status()).retries.b!;
    expect(failureText(entry, Date.now())).toMatch(/^unreachable since \d\d:\d\d:\d\d: .*(reset|closed|Connection)/i);
    for (let i = 0; i < 4; i++) await a.agent.sync();
    expect(a.agent.retryQueue.b!.nextAt - Date.now()).toBeGreaterThan(20_000);
    return sha;
  };

  /** Both agents up, a first commit from a on b, then the outage. */
  const upThenOutage = async () => {
    const a = await start("a");
    await start("b");
    const first = await commitFile(sb.clones.a!, "first.txt", "1\n");
    await waitFor(async () => (await head(sb.clones.b!)) === first, 20_000, "the first commit on b");
    await outage(a, "during.txt");
    return a;
  };

  it("says when it went and why; once back, the next commit goes to it at once, not at the end of its backoff", async () => {
    const a = await upThenOutage();
    link.restore();
    const after = await commitFile(sb.clones.a!, "after.txt", "after the outage\n");
    await waitFor(async () => (await head(sb.clones.b!)) === after, 8_000, "the commit after the outage on b, long before the retry was due");
    await waitFor(async () => a.agent.retryQueue.b === undefined, 5_000, "b no longer failing on a");
  });

  it("once back, its node coming online (its map, its announcement) retries it at once", async () => {
    await configureXmpp(sb, server, ["a", "b"]);
    const a = await upThenOutage();
    link.restore();
    // b's machine wakes: its agent logs in again and publishes its map (and would announce a head
    // of its own); no new head on a, so only that sign can bring the retry forward.
    await stopAll(agents.splice(1));
    const back = new Date().toISOString();
    await start("b");
    await waitFor(async () => a.agent.retryQueue.b === undefined, 8_000, "a's retry to b, brought forward by b coming online");
    expect(a.records.find((r) => r.event === "remote-back" && r.t >= back)).toEqual(expect.objectContaining({ why: expect.stringMatching(/^b (is online|announced)$/) }));
  });

  it("a remote that hangs holds no announcement back (a clone that fetches on a's word gets the commit long before the push to it ends), and status names it within 15 s", async () => {
    await git(sb.clones.d!, "remote", "add", "a", sb.clones.a!);
    await configureXmpp(sb, server, ["a", "b", "d"]);
    await git(sb.clones.a!, "config", "herald.networkTimeout", "25");
    const a = await start("a");
    await start("b");
    await start("d");
    const first = await commitFile(sb.clones.a!, "first.txt", "1\n");
    await waitFor(async () => (await head(sb.clones.b!)) === first && (await head(sb.clones.d!)) === first, 20_000, "the first commit on b and d");
    link.cut(); // the push to b stalls: no answer, no reset (ssh's keep-alive gives up after 15 s)
    const t0 = Date.now();
    const sha = await commitFile(sb.clones.a!, "while-b-hangs.txt", "2\n");
    await waitFor(async () => (await head(sb.clones.d!)) === sha, 12_000, "a's commit on d, on a's announcement");
    expect(Date.now() - t0).toBeLessThan(12_000);
    // Long before ssh's keep-alive (and the fallback connection's ConnectTimeout) or the 25 s
    // watchdog end the push, status names b: its push has had no answer for 10 s.
    await waitFor(async () => (await a.agent.status()).remotes.find((r) => r.name === "b")?.stalled?.command === "push", Math.max(0, t0 + 15_000 - Date.now()), "status naming b, 15 s after the cut");
    expect(Date.now() - t0).toBeLessThan(15_000);
    link.restore();
    await waitFor(async () => (await head(sb.clones.b!)) === sha, 40_000, "a's commit on b once the link is back");
  });
});
