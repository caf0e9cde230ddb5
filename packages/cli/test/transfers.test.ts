// `herald transfers` against a running agent and real git-annex: a 50 MB transfer slowed by
// herald.maxBytesPerSecond (annex.bwlimit) is listed with its progress, stops at once when paused
// (its partial content kept), nothing starts until resume, a queued one can be cancelled, and
// after SIGKILL of the agent mid-transfer a restart completes it; content committed while the
// agent was down goes when it starts.
import { commitFile, git, gitAnnexInstalled, hasContent, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ask } from "../src/control-client.js";
import { herald, startHerald, type Running } from "./run-herald.js";

const hasAnnex = gitAnnexInstalled();
if (!hasAnnex) console.log("transfers tests skipped: git-annex is not installed (apt-get install git-annex)");
const maybe = hasAnnex ? describe : describe.skip;

interface Listed { repo: string; annexed: boolean; transfers: Array<{ key: string; state: string; bytes: number; total: number | null }> }

maybe("herald transfers", () => {
  let sb: Sandbox;
  let agent: Running | null = null;
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) { agent.child.kill("SIGTERM"); await agent.exited; }
    await sb?.cleanup();
  });

  const a = () => sb.clones.a!;
  const b = () => sb.clones.b!;
  // Polls ask the agent's socket from here (the CLI's own client), not through a new `herald`
  // process each time; what a user types is checked with the real command below.
  const list = async () => ((await ask(a(), "transfers", { action: "list" }).catch(() => null)) as Listed[] | null)?.[0] ?? null;
  const of = async (key: string) => (await list())?.transfers.find((t) => t.key === key);
  const has = hasContent;
  /** bytes of partial content b holds for `key` (git-annex keeps it in .git/annex/tmp) */
  const partial = async (key: string) => ((await readdir(join(b(), ".git/annex/tmp")).catch((): string[] => [])).includes(key) ? (await stat(join(b(), ".git/annex/tmp", key))).size : 0);
  const startAgent = async () => {
    agent = startHerald(["agent", "--repo", a()]);
    await waitFor(async () => (await list())?.annexed, 20_000, "the agent to answer");
  };
  const addFile = async (name: string, mb: number) => {
    await commitFile(a(), name, randomBytes(mb << 20), `add ${name}`);
    return (await git(a(), "annex", "lookupkey", name)).trim();
  };

  it("pauses, resumes and cancels; a killed agent's transfer completes after restart", async () => {
    sb = await makeSandbox(["a", "b"], "line", { config: { "annex.largefiles": "anything" } });
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    await git(a(), "config", "herald.maxBytesPerSecond", "10M");
    await git(a(), "config", "herald.maxConcurrentTransfers", "1"); // all 10M for the one transfer
    await git(a(), "config", "herald.retryInterval", "1h");
    await startAgent();

    const big = await addFile("big.bin", 50);
    await waitFor(async () => (await of(big))?.state === "running" && (await partial(big)) > 0, 20_000, "the 50 MB transfer to run");
    expect((await herald(["transfers", "--repo", a()])).stdout).toMatch(/running +to b: big\.bin .* MiB of 50 MiB/);
    expect((await herald(["transfers", "pause", "--all", "--repo", a()])).code).toBe(0);
    expect((await of(big))?.state).toBe("paused");
    await new Promise((r) => setTimeout(r, 1000)); // git-annex was signalled at once; give it 1 s to go
    const kept = await partial(big);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await partial(big)).toBe(kept); // stopped: the partial content no longer grows, and is kept
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(50 << 20);

    // Nothing starts while paused; a queued transfer can be cancelled.
    const small = await addFile("small.bin", 1);
    await waitFor(async () => (await of(small))?.state === "queued", 10_000, "the small file to be queued");
    // Status: two keys wanted on b and missing there, the bytes still to send, transfers paused.
    const st = JSON.parse((await herald(["status", "--json", "--repo", a()])).stdout) as { content: { keys: number; bytes: number; remotes: Record<string, { keys: number; bytes: number }>; paused: boolean } };
    expect(st.content).toMatchObject({ keys: 2, paused: true, remotes: { b: { keys: 2 } } });
    expect(st.content.bytes).toBe(st.content.remotes.b!.bytes);
    expect(st.content.bytes).toBeGreaterThan((50 << 20) - kept); // the big one's rest, and the small one
    expect((await herald(["status", "--repo", a()])).stdout).toMatch(/^content: 2 keys, [\d.]+ MiB to move \(b 2\); transfers PAUSED$/m);
    const cancel = await herald(["transfers", "cancel", small, "--repo", a()]);
    expect(cancel.stdout).toBe("cancelled 1 transfer\n");
    expect((await of(small))?.state).toBe("cancelled");

    // Resume: the big one completes; the cancelled one never goes.
    expect((await herald(["transfers", "resume", "--all", "--repo", a()])).code).toBe(0);
    await waitFor(async () => (await of(big))?.state === "done", 30_000, "the big transfer to finish after resume");
    expect(await has(b(), big)).toBe(true);
    expect(await has(b(), small)).toBe(false);

    // SIGKILL mid-transfer, restart: the persisted queue takes it up again and it completes.
    const second = await addFile("second.bin", 50);
    await waitFor(async () => (await partial(second)) > 0, 20_000, "the second transfer to run");
    agent!.child.kill("SIGKILL");
    await agent!.exited;
    await git(a(), "config", "herald.maxBytesPerSecond", "25M"); // the rest need not be slow
    await startAgent();
    await waitFor(async () => (await of(second))?.state === "done", 40_000, "the second transfer done after the restart");
    expect(await has(b(), second)).toBe(true);
    expect((await herald(["status", "--repo", a()])).stdout).toMatch(/^content: all transferred$/m);

    // Committed while no agent ran: sent when it starts; what was cancelled stays cancelled.
    agent!.child.kill("SIGTERM");
    await agent!.exited;
    const offline = await addFile("offline.bin", 1);
    await startAgent();
    await waitFor(async () => has(b(), offline), 20_000, "the file committed while the agent was down on b");
    expect((await of(small))?.state).toBe("cancelled");
    expect(await has(b(), small)).toBe(false);
  });

  it("refuses a key that is not one, naming it", async () => {
    const r = await herald(["transfers", "pause", "../../etc/passwd", "--repo", a()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('herald: "../../etc/passwd" is not a git-annex key (herald transfers lists them)\n');
  });
});

describe("a clone that is not a git-annex repository", () => {
  let sb: Sandbox;
  let agent: Running | null = null;
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) { agent.child.kill("SIGTERM"); await agent.exited; }
    await sb?.cleanup();
  });

  it("has no transfers, no content in its status, and pushes no git-annex branch", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const a = sb.clones.a!;
    agent = startHerald(["agent", "--repo", a]);
    await waitFor(async () => ((await ask(a, "transfers", { action: "list" }).catch(() => null)) as Listed[] | null)?.[0], 20_000, "the agent to answer");
    const sha = await commitFile(a, "notes.txt", "plain git\n");
    await waitFor(async () => (await git(sb.clones.b!, "for-each-ref", "--format=%(objectname)", "refs/remotes/a/main")).trim() === sha, 20_000, "the push to b");
    expect((await herald(["transfers", "--repo", a])).stdout).toBe(`${a}: not a git-annex repository\n`);
    expect((await herald(["status", "--repo", a])).stdout).not.toMatch(/^content:/m);
    expect(await git(sb.clones.b!, "for-each-ref", "refs/heads/synced/")).toBe("");
    expect(existsSync(join(a, ".git", "herald", "transfers.json"))).toBe(false);
  });
});
