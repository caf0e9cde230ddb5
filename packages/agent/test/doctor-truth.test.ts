// herald doctor tells the truth, quickly: a remote that never answers fails alone within its
// deadline while the other checks report; a server that is not running is called that; a peer
// whose agent is online but has announced nothing passes (presence), against a real Prosody.
import { runDoctor, type Check } from "@herald/agent";
import { freePort, git, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { startSilentServer } from "./git-daemon.js";
import { configureXmpp, startOne, stopAll, type Running } from "./helpers.js";

const named = (checks: Check[], suffix: string) => checks.find((c) => c.name.endsWith(suffix));

describe("herald doctor", () => {
  let sb: Sandbox | null = null;
  let server: XmppServer | null = null;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await server?.stop();
    server = null;
    await sb?.cleanup();
    sb = null;
  });

  it("a remote whose transport never answers fails with 'no answer within' its deadline; the others still report", async () => {
    sb = await makeSandbox(["n1"], [], { bares: ["srv"] });
    const silent = await startSilentServer();
    try {
      await git(sb.clones.n1!, "remote", "add", "hang", `git://127.0.0.1:${silent.port}/x`);
      const t0 = Date.now();
      const checks = await runDoctor({ dirs: [sb.clones.n1!], machine: [], env: {}, timeoutMs: 1500 });
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(named(checks, "remote hang")).toMatchObject({ result: "fail", detail: `git://127.0.0.1:${silent.port}/x: timeout: no answer within 1.5 s` });
      expect(named(checks, "remote srv")).toMatchObject({ result: "ok" });
      expect(named(checks, "settings")).toMatchObject({ result: "ok" });
      expect(checks[0]).toMatchObject({ name: "git", result: "ok" });
    } finally {
      await silent.stop();
    }
  });

  it("connection refused: the server is not listening at that address (not a password problem)", async () => {
    sb = await makeSandbox(["n1"], []);
    const port = await freePort();
    for (const [k, v] of [["herald.jid", "n1@localhost"], ["herald.service", `xmpp://127.0.0.1:${port}`], ["herald.pubsub", "pubsub.localhost"]]) await git(sb.clones.n1!, "config", k!, v!);
    const checks = await runDoctor({ dirs: [sb.clones.n1!], machine: [], env: { HERALD_PASSWORD: "pw" }, timeoutMs: 3000 });
    const login = named(checks, "xmpp login")!;
    expect(login).toMatchObject({ result: "fail", detail: expect.stringContaining("connection refused") });
    expect(login.fix).toMatch(/^the server is not listening at that address: is it running there .*is herald\.service right\?$/);
    expect(login.fix).not.toMatch(/password/);
  });

  it("a peer that is online but has announced nothing passes; one never online fails", async () => {
    server = await startXmppServer({ accounts: ["n1", "n2", "n3"] });
    sb = await makeSandbox(["n1", "n2"], []);
    await configureXmpp(sb, server, ["n1", "n2"]);
    // n2's agent runs, but for another repository: on this one's node it has said nothing.
    await git(sb.clones.n2!, "config", "herald.repo", "another-repository");
    const n2 = await startOne(sb.clones.n2!, { env: { HERALD_PASSWORD: "n2-pw" } });
    agents.push(n2);
    await waitFor(async () => n2.agent.channel?.stats.online, 10_000, "n2 online");
    await git(sb.clones.n1!, "config", "--add", "herald.peer", `n3@${server.domain}`); // never runs
    const checks = await runDoctor({ dirs: [sb.clones.n1!], machine: [], env: { HERALD_PASSWORD: "n1-pw" }, timeoutMs: 5000 });
    expect(named(checks, " peers")).toMatchObject({
      result: "fail",
      detail: `never heard from n3@${server.domain} (never online, never announced); online, nothing announced yet: n2@${server.domain}`,
    });
    // Once n3 is gone from the list, the quiet but online peer is all there is: a pass.
    await git(sb.clones.n1!, "config", "--unset", "herald.peer", `n3@`);
    const again = await runDoctor({ dirs: [sb.clones.n1!], machine: [], env: { HERALD_PASSWORD: "n1-pw" }, timeoutMs: 5000 });
    expect(named(again, " peers")).toMatchObject({ result: "ok", detail: `online, nothing announced yet: n2@${server.domain}` });
  });
});
