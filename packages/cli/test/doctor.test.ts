// `herald doctor` against a real Prosody as the test kit runs it (publishers stamped) and against
// one with Prosody's own default (expose_publisher off), where XMPP sync would silently do nothing:
// the doctor and `herald init` must say so and name the fix, and `herald status` must show it.
import type { Agent } from "@herald/agent";
import { git, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { startAgents, stopAgents } from "./in-process-agents.js";
import { herald, lines } from "./run-herald.js";

const FIX = "Prosody: set expose_publisher = true on the pubsub component; ejabberd: itemreply: publisher";

async function setUp(exposePublisher: boolean): Promise<{ sb: Sandbox; server: XmppServer; agents: Agent[] }> {
  const sb = await makeSandbox(["n1", "n2"], "line");
  const server = await startXmppServer({ accounts: ["n1", "n2"], exposePublisher });
  for (const [me, peer] of [["n1", "n2"], ["n2", "n1"]] as const) {
    for (const [k, v] of [["herald.jid", `${me}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile!], ["herald.peer", `${peer}@${server.domain}`]] as const) {
      await git(sb.clones[me]!, "config", k, v);
    }
  }
  const agents = await startAgents([sb.clones.n1!, sb.clones.n2!], (dir) => ({ HERALD_PASSWORD: dir === sb.clones.n1 ? "n1-pw" : "n2-pw" }));
  await waitFor(async () => agents.every((a) => a.channel?.stats.online && a.channel.stats.announced > 0), 10_000, "both agents online, having announced");
  return { sb, server, agents };
}

describe("herald doctor", () => {
  let setup: { sb: Sandbox; server: XmppServer; agents: Agent[] } | null = null;
  afterEach(async () => {
    if (!setup) return;
    await stopAgents(setup.agents);
    await setup.server.stop();
    await setup.sb.cleanup();
    setup = null;
  });

  it("passes against a server that stamps publishers, one line per check", async () => {
    setup = await setUp(true);
    const n1 = setup.sb.clones.n1!;
    const r = await herald(["doctor", "--repo", n1], { env: { HERALD_PASSWORD: "n1-pw" } });
    expect(r.stderr).toBe("");
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^ok {3}git: 2\.\d+/);
    for (const check of ["settings", "remote n2", "xmpp login", "pubsub node", "publisher", "peers", "clock"]) {
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ok {3}${n1} ${check}: `)));
    }
    expect(out).toContainEqual(expect.stringMatching(/peers: seen: n2@localhost \(\d+ s ago\)$/));
    expect(out).toContainEqual(expect.stringMatching(/^(ok {3}|skip )inotify: /));
    expect(r.code).toBe(0);
  });

  it("fails against a stock Prosody and names the fix; init refuses; status says announcements are ignored", async () => {
    setup = await setUp(false);
    const { sb, server } = setup;
    const r = await herald(["doctor", "--repo", sb.clones.n1!], { env: { HERALD_PASSWORD: "n1-pw" } });
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toContainEqual(`FAIL ${sb.clones.n1} publisher: ${server.pubsub} does not stamp publishers on items: every announcement is ignored (fix: ${FIX})`);

    const init = await herald(["init", "--repo", sb.clones.n2!, "--jid", `n2@${server.domain}`, "--service", server.service, "--pubsub", server.pubsub, "--tls-ca", server.caFile!], { env: { HERALD_PASSWORD: "n2-pw" } });
    expect(init.code).toBe(1);
    expect(lines(init.stderr)).toEqual([`herald: ${server.pubsub} does not stamp publishers on items, so every announcement would be ignored: ${FIX} (or --no-check)`]);

    // The agents heard each other's items, unstamped: one line in status, one in the log.
    await waitFor(async () => setup!.agents.every((a) => a.channel?.stats.publisherMissing), 10_000, "the agents to notice");
    const status = await herald(["status", "--repo", sb.clones.n1!]);
    expect(lines(status.stdout).filter((l) => l.includes("ignored"))).toEqual(["xmpp: announcements ignored: the server does not stamp publishers (see herald doctor)"]);
    const log = await herald(["log", "--repo", sb.clones.n1!, "-n", "500"]);
    expect(lines(log.stdout).filter((l) => l.includes("announcements-ignored"))).toHaveLength(1);
  });
});
