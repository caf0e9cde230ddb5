// The small frictions a first trial met, each as a user meets it: a second `herald daemon
// --detach`, two daemons wanting the dashboard's port, `herald log` outside a clone (no daemon,
// a daemon, a daemon that does not answer), an empty list, a mistyped command, and `herald init`
// against a server it cannot find, `transfers pause --all` with nothing running.
import { commitFile, git, gitAnnexInstalled, hasContent, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ask } from "../src/control-client.js";
import { defaultService } from "../src/init/check.js";
import { herald, lines, startHerald } from "./run-herald.js";

/** A home of one's own (config, runtime dir): one daemon per home, as one per user. */
async function makeHome(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await mkdtemp(join(tmpdir(), "herald-fr-"));
  return { home, env: { XDG_CONFIG_HOME: join(home, "config"), XDG_RUNTIME_DIR: join(home, "run"), XDG_STATE_HOME: join(home, "state") } };
}

/** Listen on `port` (loopback) if we can; null when another program already has it. */
const hold = (port: number) => new Promise<Server | null>((resolve) => {
  const s = createServer();
  s.once("error", () => resolve(null));
  s.listen(port, "127.0.0.1", () => resolve(s));
});

interface Status { pid: number; dashboard?: { url: string | null; error: string | null } }

describe("herald's small frictions", () => {
  const homes: Array<{ home: string; env: NodeJS.ProcessEnv }> = [];
  const blockers: Server[] = [];
  afterAll(async () => {
    for (const { home, env } of homes) {
      await herald(["stop"], { cwd: home, env });
      await rm(home, { recursive: true, force: true });
    }
    for (const b of blockers) await new Promise((r) => b.close(r));
  });

  it("a second daemon --detach says which daemon runs, and log, list and status tell the truth", async () => {
    const h = await makeHome();
    homes.push(h);
    const { home, env } = h;
    // Outside a clone, no daemon: herald log fails at once, saying how to start one.
    const t0 = Date.now();
    const none = await herald(["log"], { cwd: home, env });
    expect(none.code).toBe(1);
    expect(lines(none.stderr)).toEqual(["herald: no Herald daemon is running (start it with: herald daemon --detach)"]);
    expect(Date.now() - t0).toBeLessThan(5_000);
    // An empty list says so, on stderr (stdout stays one path per line, for scripts).
    const empty = await herald(["list"], { cwd: home, env });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toBe(`no repositories on the list (${join(home, "config", "herald", "repos")}); add one with: herald add DIR\n`);

    // The dashboard's default port taken (by another program, or another user's daemon).
    // Held by this test itself: a daemon of another test running beside this one may have it
    // now and let it go at any moment.
    let other = await hold(7717);
    for (const until = Date.now() + 30_000; !other && Date.now() < until; other = await hold(7717)) await new Promise((r) => setTimeout(r, 200));
    expect(other).not.toBeNull();
    blockers.push(other!);
    const first = await herald(["daemon", "--detach"], { cwd: home, env });
    expect(first.code).toBe(0);
    const pid = Number(/\(pid (\d+)\)/.exec(first.stdout)?.[1]);
    const second = await herald(["daemon", "--detach"], { cwd: home, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^a Herald daemon is already running \\(pid ${pid}\\); log: .*; stop it with: herald stop\\n$`));
    const status = JSON.parse((await herald(["status", "--json"], { cwd: home, env })).stdout) as Status;
    expect(status.pid).toBe(pid);

    // herald.webPort unset: another free port, which status and open name.
    const url = status.dashboard?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe("http://127.0.0.1:7717");
    expect((await herald(["status"], { cwd: home, env })).stdout).toContain(`dashboard: ${url} (log in with: herald open)`);
    expect((await herald(["open", "--no-browser"], { cwd: home, env })).stdout).toMatch(new RegExp(`^${url}/login\\?token=`));

    // With a daemon: its log, and --follow follows.
    const log = await herald(["log"], { cwd: home, env });
    expect(log.code).toBe(0);
    expect(log.stdout).toContain("daemon-started");
    const follow = startHerald(["log", "--follow", "-n", "1"], { cwd: home, env });
    const repo = join(home, "clone");
    execFileSync("git", ["init", "-q", repo]);
    expect((await herald(["add", repo], { env })).code).toBe(0);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event after herald add; printed:\n${follow.child.stdout.readableLength}`)), 15_000);
      follow.child.stdout.on("data", (s: string) => { if (s.includes(repo)) { clearTimeout(timer); resolve(); } });
    });
    follow.child.kill("SIGINT");
    expect((await follow.exited).code).toBe(0);

    // A daemon that accepts but never answers (stopped, stuck): a bounded wait, then a clear line.
    process.kill(pid, "SIGSTOP");
    try {
      const t1 = Date.now();
      const stuck = await herald(["log"], { cwd: home, env });
      expect(stuck.code).toBe(1);
      expect(lines(stuck.stderr)).toEqual([expect.stringMatching(/^herald: the Herald listening on .*control\.sock did not answer within 10 s \(stopped or stuck\?\)/)]);
      expect(Date.now() - t1).toBeLessThan(15_000);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  }, 90_000);

  it("a daemon whose herald.webPort is set and taken says so in its status", async () => {
    const h = await makeHome();
    homes.push(h);
    const busy = (await hold(0))!;
    blockers.push(busy);
    const port = (busy.address() as { port: number }).port;
    await mkdir(join(h.env.XDG_CONFIG_HOME!, "herald"), { recursive: true });
    await writeFile(join(h.env.XDG_CONFIG_HOME!, "herald", "config"), `[herald]\n\twebPort = ${port}\n`);
    expect((await herald(["daemon", "--detach"], { cwd: h.home, env: h.env })).code).toBe(0);
    const why = `port ${port} (herald.webPort) is in use by another program: set herald.webPort to a free port, or to 0 for any`;
    const status = JSON.parse((await herald(["status", "--json"], { cwd: h.home, env: h.env })).stdout) as Status;
    expect(status.dashboard).toEqual({ url: null, error: why });
    expect((await herald(["status"], { cwd: h.home, env: h.env })).stdout).toContain(`dashboard: OFF: ${why}`);
    const open = await herald(["open", "--no-browser"], { cwd: h.home, env: h.env });
    expect(open.code).toBe(1);
    expect(lines(open.stderr)).toEqual([`herald: the dashboard is not running: ${why}`]);
    // A key that is none, by name, as bad input (exit 2), without reaching any repository.
    const cancel = await herald(["transfers", "cancel", "nosuchkey"], { cwd: h.home, env: h.env });
    expect(cancel.code).toBe(2);
    expect(lines(cancel.stderr)).toEqual(['herald: "nosuchkey" is not a git-annex key (herald transfers lists them)']);
  }, 60_000);

  it("suggests the command meant", async () => {
    const r = await herald(["statsu"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['herald: Unknown command "statsu". Did you mean "status"? (see herald --help)']);
  });
});

describe("herald init without --service", () => {
  let sb: Sandbox;
  afterAll(async () => { await sb?.cleanup(); });

  it("names the address it tried, and how it found it, and says to pass --service", async () => {
    sb = await makeSandbox(["n1"], "line");
    const pw = join(sb.root, "pw");
    await writeFile(pw, "secret\n");
    // .invalid never resolves (RFC 2606), and has no SRV record.
    const r = await herald(["init", "--repo", sb.clones.n1!, "--jid", "me@nosuch.invalid", "--password-file", pw]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(
      /^herald: cannot log in as me@nosuch\.invalid: .* at xmpp:\/\/nosuch\.invalid:5222 \(from the account's domain; there is no DNS SRV record _xmpp-client\._tcp\.nosuch\.invalid\); give the server's address with --service xmpp:\/\/HOST:PORT$/)]);
  }, 30_000);

  it("takes the address from DNS SRV when there is one (lowest priority, then highest weight)", async () => {
    const srv = async () => [
      { name: "b.example.org.", port: 5223, priority: 10, weight: 1 },
      { name: "a.example.org.", port: 5222, priority: 5, weight: 1 },
      { name: "c.example.org.", port: 5224, priority: 5, weight: 9 },
    ];
    expect(await defaultService("example.org", srv)).toEqual({ service: "xmpp://c.example.org:5224", derived: "from the DNS SRV record _xmpp-client._tcp.example.org" });
  });
});

describe("herald transfers pause --all with nothing running", () => {
  let sb: Sandbox;
  let agent: ReturnType<typeof startHerald> | null = null;
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) { agent.child.kill("SIGTERM"); await agent.exited; }
    await sb?.cleanup();
  });

  it("succeeds, says new transfers wait, holds the next one back, and resume lets it go", async () => {
    expect(gitAnnexInstalled()).toBe(true); // ./scripts/test.sh installs it
    sb = await makeSandbox(["a", "b"], "line", { config: { "annex.largefiles": "anything" } });
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    for (const [n, dir] of [["a", a], ["b", b]] as const) await git(dir, "annex", "init", "-q", n);
    await git(a, "config", "herald.webPort", "0");
    agent = startHerald(["agent", "--repo", a]);
    type Listed = Array<{ annexed: boolean; transfers: Array<{ key: string; state: string }> }>;
    const list = async () => ((await ask(a, "transfers", { action: "list" }).catch(() => null)) as Listed | null)?.[0] ?? null;
    await waitFor(async () => (await list())?.annexed, 20_000, "the agent to answer");

    const pause = await herald(["transfers", "pause", "--all", "--repo", a]);
    expect({ code: pause.code, stdout: pause.stdout, stderr: pause.stderr })
      .toEqual({ code: 0, stdout: "transfers paused (0 running); new ones wait until: herald transfers resume --all\n", stderr: "" });
    await commitFile(a, "later.bin", randomBytes(64 << 10), "add later.bin");
    const key = (await git(a, "annex", "lookupkey", "later.bin")).trim();
    await waitFor(async () => (await list())?.transfers.some((t) => t.key === key), 20_000, "the new transfer listed");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await list())?.transfers.find((t) => t.key === key)?.state).toBe("queued");
    expect(await hasContent(b, key)).toBe(false);

    const resume = await herald(["transfers", "resume", "--all", "--repo", a]);
    expect({ code: resume.code, stdout: resume.stdout }).toEqual({ code: 0, stdout: "transfers resumed (1 to go)\n" });
    await waitFor(async () => hasContent(b, key), 20_000, "the held-back transfer done after resume");
  }, 60_000);
});
