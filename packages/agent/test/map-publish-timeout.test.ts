// Found by npm run chaos (star7): a push that failed while Prosody was not answering (restarting)
// changed this clone's map, and the map's publish waited 15 s for an iq answer that never came;
// nobody caught that rejection, and Node ended the agent. The publish is caught and logged.
// Prosody is stopped with SIGSTOP (it keeps the TCP connection, answers nothing), as a server
// that is restarting or overloaded does.
import { commitFile, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { configureXmpp } from "./helpers.js";

const bin = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

describe("a map publish the server never answers", () => {
  let server: XmppServer | undefined;
  let sb: Sandbox | undefined;
  let agent: ChildProcess | undefined;
  let prosodyPid = 0;
  afterAll(async () => {
    if (prosodyPid) process.kill(prosodyPid, "SIGCONT");
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once("exit", r));
      agent.kill("SIGTERM");
      await exited;
    }
    await sb?.cleanup();
    await server?.stop();
  });

  it("is logged, and the agent stays up", async () => {
    server = await startXmppServer({ accounts: ["n1", "n2"] });
    sb = await makeSandbox(["n1", "n2"], [], { bares: ["hub"] });
    await configureXmpp(sb, server, ["n1", "n2"]);
    agent = spawn(process.execPath, [bin, "agent", "--repo", sb.clones.n1!], { env: { ...process.env, HERALD_PASSWORD: "n1-pw" }, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    agent.stderr!.on("data", (b: Buffer) => { log += b.toString(); });
    await waitFor(async () => log.includes("xmpp-online"), 15_000, "the agent online");
    prosodyPid = Number((await readFile(join(server.dir, "prosody.pid"), "utf8")).trim());
    process.kill(prosodyPid, "SIGSTOP");
    await rename(sb.bare.hub!, `${sb.bare.hub!}.away`); // the push fails: the clone's map changes
    await commitFile(sb.clones.n1!, "x.txt", "x\n");
    await waitFor(async () => log.includes("map-publish-failed") || agent!.exitCode !== null, 30_000, "the map publish to time out");
    expect(agent.exitCode).toBeNull();
    expect(log).toContain("map-publish-failed");
  }, 60_000);
});
