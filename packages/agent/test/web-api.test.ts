// The daemon's dashboard API without a browser (git only, no XMPP): the status it serves, the
// event stream's numbering and catching up with ?since=ID, and a port already in use, which
// leaves the dashboard off and syncing on.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addRepo, createLogger, Daemon, reposFile, type LogRecord, type WebEvent } from "@herald/agent";
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";

describe("the daemon's dashboard API", () => {
  let root: string, sb: Sandbox, daemon: Daemon | null = null, blocker: Server | null = null;
  let env: Record<string, string>;
  const records: LogRecord[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "herald-web-api-"));
    env = { XDG_CONFIG_HOME: join(root, "config"), XDG_RUNTIME_DIR: join(root, "run") };
    await mkdir(join(env.XDG_CONFIG_HOME!, "herald"), { recursive: true });
    sb = await makeSandbox(["a", "b"], "line");
    records.length = 0;
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
    await new Promise((r) => (blocker ? blocker.close(r) : r(null)));
    blocker = null;
    await sb.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  /** a's agent pushed its HEAD to b (a non-bare peer takes it as refs/remotes/a/main). */
  const pushed = async () => (await git(sb.clones.b!, "rev-parse", "-q", "--verify", "refs/remotes/a/main").catch(() => "")).trim() === (await head(sb.clones.a!));

  async function start(port: number): Promise<Daemon> {
    await git(root, "config", "-f", join(env.XDG_CONFIG_HOME!, "herald", "config"), "herald.webPort", String(port));
    daemon = await Daemon.start({ env, web: true, log: createLogger([(r) => records.push(r)], "debug") });
    await addRepo(reposFile(env), sb.clones.a!);
    await waitFor(async () => daemon!.machine.engines().length === 1, 10_000, "the repository served");
    return daemon;
  }

  /** Read the stream until `n` numbered events have come, then hang up. */
  async function readEvents(url: string, key: string, n: number): Promise<WebEvent[]> {
    const ctl = new AbortController();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` }, signal: ctl.signal });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events: WebEvent[] = [];
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const blocks = text.split("\n\n");
      text = blocks.pop()!;
      for (const b of blocks) {
        const data = /^data: (.*)$/m.exec(b)?.[1];
        if (/^id: /m.test(b) && data) events.push(JSON.parse(data) as WebEvent);
      }
      if (events.length >= n) break;
    }
    ctl.abort();
    return events;
  }

  it("serves /api/status ({pid, repos} with ids and states) and a numbered stream one can catch up on", async () => {
    const d = await start(0);
    const key = (await readFile(join(env.XDG_CONFIG_HOME!, "herald", "api-key"), "utf8")).trim();
    const status = (await (await fetch(`${d.webUrl}/api/status`, { headers: { "X-API-Key": key } })).json()) as { pid: number; repos: Array<{ id: string; repo: string; state: string }> };
    expect(status.pid).toBe(process.pid);
    expect(status.repos).toEqual([expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{12}$/), repo: sb.clones.a, state: expect.any(String) })]);

    const before = d.machine.events.last;
    await commitFile(sb.clones.a!, "x.txt", "x\n");
    await waitFor(pushed, 10_000, "the commit pushed to b");
    const caughtUp = await readEvents(`${d.webUrl}/api/events?since=${before}`, key, 3);
    expect(caughtUp.length).toBeGreaterThanOrEqual(3);
    expect(caughtUp.map((e) => e.id)).toEqual(caughtUp.map((_, i) => before + 1 + i));
    expect(d.machine.events.since(before)!.some((e) => e.type === "commit" && e.repo === status.repos[0]!.id)).toBe(true);
    // Without ?since the stream starts now: the next event is the first.
    const next = readEvents(`${d.webUrl}/api/events`, key, 1);
    await new Promise((r) => setTimeout(r, 200));
    const last = d.machine.events.last;
    d.machine.log.info("poke");
    expect((await next)[0]).toEqual(expect.objectContaining({ id: last + 1, type: "log", data: expect.objectContaining({ event: "poke" }) }));
  });

  it("logs a port in use and goes on syncing without the dashboard", async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, "127.0.0.1", r));
    const d = await start((blocker.address() as AddressInfo).port);
    expect(d.webUrl).toBeNull();
    expect(records).toContainEqual(expect.objectContaining({ event: "web-unavailable", error: "EADDRINUSE" }));
    await commitFile(sb.clones.a!, "y.txt", "y\n");
    await waitFor(pushed, 10_000, "the commit pushed to b all the same");
  });
});
