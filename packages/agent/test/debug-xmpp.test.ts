// HERALD_DEBUG_XMPP=1 prints every stanza (@xmpp/debug), with the SASL exchange masked: the
// password appears nowhere in the agent's output, in clear or base64.
import { git, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

describe("HERALD_DEBUG_XMPP", () => {
  let server: XmppServer;
  let sb: Sandbox;
  afterAll(async () => {
    await sb?.cleanup();
    await server?.stop();
  });

  it("logs stanzas and never the password", async () => {
    server = await startXmppServer({ accounts: ["debugger"] }); // a pubsub admin, so it may create the node
    const password = server.accounts[0]!.password;
    sb = await makeSandbox(["a"], "line");
    const settings: Array<[string, string]> = [["herald.jid", `debugger@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile!]];
    for (const [k, v] of settings) await git(sb.clones.a!, "config", k, v);
    const child = spawn(process.execPath, [bin, "agent", "--verbose", "--repo", sb.clones.a!], { env: { ...process.env, HERALD_PASSWORD: password, HERALD_DEBUG_XMPP: "1" } });
    let out = "";
    child.stdout.on("data", (b: Buffer) => { out += b.toString(); });
    child.stderr.on("data", (b: Buffer) => { out += b.toString(); });
    try {
      await waitFor(async () => out.includes("xmpp-online"), 15_000, "the agent to log in");
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    expect(out).toMatch(/<iq [^>]*type="(set|result)"/); // stanzas are printed
    expect(out).toContain('mechanism="PLAIN"');
    const b64 = Buffer.from(`\0debugger\0${password}`).toString("base64");
    expect(out).not.toContain(password);
    expect(out).not.toContain(b64);
  });
});
