// A person nudges an agent from ordinary Debian XMPP clients, both over STARTTLS (the test
// server requires it): sendxmpp, and go-sendxmpp (which refuses plaintext anyway). The agent's
// replies are read by a listening client of the same person.
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { Session, silentLogger } from "@herald/agent";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startOne, type Running } from "./helpers.js";

const execFileP = promisify(execFile);
const bin = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
const have = async (cmd: string) => execFileP("sh", ["-c", `command -v ${cmd}`]).then(() => true, () => false);

async function configure(sb: Sandbox, server: XmppServer) {
  const dir = sb.clones.a!;
  await git(dir, "config", "herald.jid", `agent1@${server.domain}`);
  await git(dir, "config", "herald.service", server.service);
  await git(dir, "config", "herald.pubsub", server.pubsub);
  await git(dir, "config", "herald.tlsCa", server.caFile!);
  await git(dir, "config", "herald.admin", `human@${server.domain}`);
}

describe("chat nudges from third-party clients", () => {
  let server: XmppServer | undefined;
  let sb: Sandbox | undefined;
  const children: ChildProcess[] = [];
  let agent: Running | undefined;
  afterEach(async () => {
    // Wait for each to exit: an agent still stopping writes into .git/herald while the sandbox goes.
    await Promise.all(children.splice(0).map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r(null);
      c.once("exit", r);
      c.kill("SIGTERM");
    })));
    await agent?.agent.stop();
    agent = undefined;
    await sb?.cleanup();
    await server?.stop();
  });

  it("sendxmpp (STARTTLS): status and sync get answers; a stranger gets none", async () => {
    if (!(await have("sendxmpp"))) throw new Error("sendxmpp is not installed (./scripts/test.sh installs it)");
    server = await startXmppServer({ accounts: ["agent1", "human", "stranger"] });
    sb = await makeSandbox(["a", "b"], "line");
    await configure(sb, server);
    agent = await startOne(sb.clones.a!, { env: { HERALD_PASSWORD: "agent1-pw" } });
    await waitFor(async () => agent!.agent.channel?.stats.online, 10_000, "agent online");
    const heard: string[] = [];
    const phone = new Session({ jid: `human@${server.domain}`, password: "human-pw", service: server.service, tlsCa: server.caFile!, resource: "phone" }, silentLogger);
    phone.on("stanza", (st) => { const b = st.is("message") ? st.getChildText("body") : null; if (b) heard.push(b); });
    await phone.start();
    try {
      const send = (user: string, text: string) => execFileP("sh", ["-c",
        `printf '%s\\n' "$TEXT" | sendxmpp -t -n -u ${user} -p ${user}-pw -j 127.0.0.1:${server!.port} -o ${server!.domain} --message-type=chat agent1@${server!.domain}`],
      { env: { ...process.env, TEXT: text } });
      await send("stranger", "pause");
      await send("human", "  STATUS ");
      await waitFor(async () => heard.find((h) => h.startsWith("a: main at ")), 10_000, "a status reply");
      expect(heard.find((h) => h.startsWith("a: main at "))).toContain("xmpp: online");
      expect(agent.agent.paused).toBe(false); // the stranger's "pause" was ignored
      const sha = await commitFile(sb.clones.b!, "from-b.txt", "x\n"); // b has no agent: sync must fetch it
      await send("human", "sync");
      await waitFor(async () => heard.find((h) => h.startsWith("sync done")), 15_000, "a sync reply");
      expect(await head(sb.clones.a!)).toBe(sha);
      await send("human", "make coffee");
      await waitFor(async () => heard.find((h) => h.startsWith("I did not understand")), 10_000, "a helpful answer");
    } finally {
      await phone.stop();
    }
  });

  it("go-sendxmpp over STARTTLS: the agent logs in with a certificate it was told to trust", async () => {
    if (!(await have("go-sendxmpp"))) throw new Error("go-sendxmpp is not installed (./scripts/test.sh installs it)");
    server = await startXmppServer({ accounts: ["agent1", "human"] });
    sb = await makeSandbox(["a"], "line");
    await configure(sb, server);
    // The agent runs as a child, as a user runs it, trusting the server's CA through herald.tlsCa.
    const agentProc = spawn(process.execPath, [bin, "agent", "--repo", sb.clones.a!], {
      env: { ...process.env, HERALD_PASSWORD: "agent1-pw" }, stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(agentProc);
    let agentLog = "";
    agentProc.stderr!.on("data", (b: Buffer) => { agentLog += b.toString(); });
    await waitFor(async () => agentLog.includes("xmpp-online"), 15_000, "the agent to log in over STARTTLS");
    const jserver = `127.0.0.1:${server.port}`;
    const listener = spawn("go-sendxmpp", ["-l", "-n", "-u", `human@${server.domain}`, "-p", "human-pw", "-j", jserver], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(listener);
    let heard = "";
    listener.stdout!.on("data", (b: Buffer) => { heard += b.toString(); });
    await new Promise((r) => setTimeout(r, 500)); // let the listener log in and send presence
    const send = (text: string) => execFileP("sh", ["-c", `printf '%s\\n' "$TEXT" | go-sendxmpp -n -u human@${server!.domain} -p human-pw -j ${jserver} agent1@${server!.domain}`], { env: { ...process.env, TEXT: text } });
    await send("status");
    await waitFor(async () => heard.includes("a: main at "), 15_000, "go-sendxmpp to hear the status reply");
    await send("help");
    await waitFor(async () => heard.includes("Herald agent commands"), 15_000, "the help reply");
  });
});
