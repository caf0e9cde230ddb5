// What `herald status` says of a bare remote on a local path: what it holds now, not what this
// clone last fetched from it (another clone may have fed it: the plan routes pushes).
import { commitFile, git, makeSandbox, type Sandbox } from "@herald/testkit";
import { startOne, stopAll, type Running } from "./helpers.js";

describe("status of a bare remote", () => {
  let sb: Sandbox;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  it("counts against the bare repository as it is, when another clone fed it", async () => {
    sb = await makeSandbox(["a", "b"], "line", { bares: ["srv"] });
    const b = await startOne(sb.clones.b!);
    agents.push(b);
    await b.agent.idle();
    b.agent.pause(); // b pushes nothing from here on
    const h2 = await commitFile(sb.clones.b!, "b.txt", "made on b\n");
    // a (no agent) takes b's commit and puts it on srv; b's own record of srv does not move.
    await git(sb.clones.a!, "fetch", "-q", "b", "main");
    await git(sb.clones.a!, "push", "-q", "srv", `${h2}:refs/heads/main`);
    const srv = (await b.agent.status()).remotes.find((r) => r.name === "srv");
    expect(srv).toEqual(expect.objectContaining({ ahead: 0, behind: 0 }));
    // And one commit more on b is one ahead of srv.
    await commitFile(sb.clones.b!, "b2.txt", "more\n");
    expect((await b.agent.status()).remotes.find((r) => r.name === "srv")).toEqual(expect.objectContaining({ ahead: 1, behind: 0 }));
  });
});
