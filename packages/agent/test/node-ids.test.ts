// A remote's node is learned, not typed: each clone Herald serves advertises its node id
// (refs/herald/node/<id>), and a clone reads it over the remote's own transport. Here the
// transport is a real network one (git daemon on loopback, git:// URLs), since a network remote is
// where the user used to have to type remote.<name>.herald-node.
import { runDoctor } from "@herald/agent";
import { graphFromAdverts } from "@herald/planner";
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { RemoteSet } from "../src/sync/remote-set.js";
import { startGitDaemon, type GitDaemon } from "./git-daemon.js";
import { startOne, stopAll, type Running } from "./helpers.js";

describe("node ids learned over the remote's transport", () => {
  let sb: Sandbox;
  let daemon: GitDaemon;
  const agents: Running[] = [];

  beforeEach(async () => {
    sb = await makeSandbox(["a", "b"], []);
    // Each clone keeps its default id (host name + hash of its path): nobody types one.
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "config", "--unset", "herald.node");
    daemon = await startGitDaemon(sb.root);
    await git(sb.clones.a!, "remote", "add", "b", daemon.url("b"));
    await git(sb.clones.b!, "remote", "add", "a", daemon.url("a"));
  });
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await daemon?.stop();
    await sb?.cleanup();
  });

  it("two clones over git:// with no herald-node sync, each knows the other's node, and the map has just the two", async () => {
    const a = await startOne(sb.clones.a!);
    agents.push(a);
    const b = await startOne(sb.clones.b!);
    agents.push(b);
    expect(a.agent.node).toMatch(/-[0-9a-f]{6}$/);
    expect((await git(sb.clones.a!, "for-each-ref", "--format=%(refname)", "refs/herald/")).trim()).toBe(`refs/herald/node/${a.agent.node}`);

    const sha = await commitFile(sb.clones.a!, "from-a.txt", "made on a\n");
    await waitFor(async () => (await head(sb.clones.b!)) === sha, 15_000, "a's commit on b");

    const remote = (await b.agent.status()).remotes.find((r) => r.name === "a");
    expect(remote).toEqual(expect.objectContaining({ kind: "peer", node: a.agent.node }));
    expect(remote?.warning).toBeUndefined();
    expect(graphFromAdverts(b.agent.plan.adverts()).nodes.sort()).toEqual([a.agent.node, b.agent.node].sort());
    // a's branch was never pushed into: b's commits would land in refs/remotes/<b>/ there.
    await commitFile(sb.clones.b!, "from-b.txt", "made on b\n");
    await waitFor(async () => (await git(sb.clones.a!, "ls-files")).includes("from-b.txt"), 15_000, "b's commit on a");
  });

  it("remotes are resolved again when their settings change, and only then (one question per remote)", async () => {
    const a = await startOne(sb.clones.a!); // writes a's advertisement
    agents.push(a);
    const set = new RemoteSet(sb.clones.b!);
    const config = { name: "a", url: daemon.url("a") };
    await set.load([config]);
    expect(set.get("a")).toEqual(expect.objectContaining({ kind: "peer", node: a.agent.node, advertised: [a.agent.node] }));
    await daemon.stop(); // nobody answers from here on
    await set.load([{ ...config }]);
    expect(set.get("a")).toEqual(expect.objectContaining({ kind: "peer", node: a.agent.node })); // not asked again
    await set.load([{ ...config, node: "desktop" }]);
    expect(set.get("a")).toEqual(expect.objectContaining({ kind: "peer", node: "desktop", setting: "desktop" }));
    expect(set.get("a")?.advertised).toBeUndefined(); // asked, and no answer
  });

  it("a clone with no commit yet advertises its node at its first commit", async () => {
    const empty = join(sb.root, "empty");
    await mkdir(empty);
    await git(empty, "init", "-q", "-b", "main");
    const e = await startOne(empty);
    agents.push(e);
    const advert = async () => (await git(empty, "for-each-ref", "--format=%(refname)", "refs/herald/")).trim();
    expect(await advert()).toBe("");
    await commitFile(empty, "first.txt", "first\n");
    await waitFor(async () => (await advert()) === `refs/herald/node/${e.agent.node}`, 10_000, "the advertisement");
  });

  it("a changed herald.node replaces the advertisement at the next start", async () => {
    const first = await startOne(sb.clones.a!);
    await first.agent.stop();
    await git(sb.clones.a!, "config", "herald.node", "renamed");
    agents.push(await startOne(sb.clones.a!));
    expect((await git(sb.clones.a!, "for-each-ref", "--format=%(refname)", "refs/herald/")).trim()).toBe("refs/herald/node/renamed");
    expect((await git(sb.clones.b!, "ls-remote", "a", "refs/herald/*")).trim()).toMatch(/\trefs\/herald\/node\/renamed$/);
  });

  it("a herald-node that names no node warns in status and in doctor, naming the node the clone advertises", async () => {
    const a = await startOne(sb.clones.a!);
    agents.push(a);
    await git(sb.clones.b!, "config", "remote.a.herald-node", "desktop");
    const b = await startOne(sb.clones.b!);
    agents.push(b);
    const text = `herald-node 'desktop' names no node Herald has heard of; the clone there advertises '${a.agent.node}' (remove the setting)`;
    expect((await b.agent.status()).remotes.find((r) => r.name === "a")?.warning).toBe(text);
    const checks = await runDoctor({ dirs: [sb.clones.b!], machine: [], env: {} });
    expect(checks).toContainEqual(expect.objectContaining({ name: `${sb.clones.b} remote a`, result: "fail", detail: expect.stringContaining(text) }));
  });

  it("a non-bare clone without Herald behind a network URL is never pushed its checked-out branch", async () => {
    const before = await head(sb.clones.a!);
    const b = await startOne(sb.clones.b!); // a has no agent and never had one: it advertises nothing
    agents.push(b);
    const sha = await commitFile(sb.clones.b!, "b.txt", "made on b\n");
    const landed = `refs/remotes/${b.agent.node}/main`;
    await waitFor(async () => (await git(sb.clones.a!, "for-each-ref", "--format=%(objectname)", landed)).trim() === sha, 15_000, "b's commit in a's refs/remotes");
    await b.agent.idle();
    expect(await head(sb.clones.a!)).toBe(before);
    expect(b.agent.retryQueue).toEqual({});
    const remote = (await b.agent.status()).remotes.find((r) => r.name === "a");
    expect(remote).toEqual(expect.objectContaining({ kind: "peer", unserved: true, warning: expect.stringMatching(/^a clone that no Herald serves/) }));
    // Found out once: the next commit goes straight to refs/remotes there.
    const sha2 = await commitFile(sb.clones.b!, "b2.txt", "more\n");
    await waitFor(async () => (await git(sb.clones.a!, "for-each-ref", "--format=%(objectname)", landed)).trim() === sha2, 15_000, "the second commit");
    expect(b.records.filter((r) => r.event === "remote-is-a-clone")).toHaveLength(1);

    // Herald starts there: the next push asks again, finds its node, and it merges what arrives.
    const a = await startOne(sb.clones.a!);
    agents.push(a);
    const sha3 = await commitFile(sb.clones.b!, "b3.txt", "after a's Herald started\n");
    await waitFor(async () => (await head(sb.clones.a!)) === sha3, 15_000, "b's commit merged on a");
    const now = (await b.agent.status()).remotes.find((r) => r.name === "a");
    expect(now).toEqual(expect.objectContaining({ kind: "peer", node: a.agent.node }));
    expect(now?.unserved).toBeUndefined();
    expect(now?.warning).toBeUndefined();
  });
});
