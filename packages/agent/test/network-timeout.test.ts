// A link that drops during a push (testkit link simulator in front of a real sshd): the push is
// killed by the watchdog once it has made no progress for herald.networkTimeout, recorded with the
// reason `timeout`, and lands after the link is back; no git or ssh of the agent outlives the
// limit; a healthy remote keeps getting commits meanwhile; herald doctor ends within its deadline.
import { commitFile, git, hasContent, head, makeSandbox, startLink, startSshd, waitFor, type Link, type Sandbox, type Sshd } from "@herald/testkit";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runDoctor } from "../src/doctor/doctor.js";
import { lacking } from "../src/content/offer.js";
import { GitRepo } from "../src/git/repo.js";
import { sshMovement } from "../src/git/ssh-activity.js";
import { startOne, stopAll, type Running } from "./helpers.js";

const LIMIT_S = 3;

describe("the network watchdog", () => {
  let sshd: Sshd;
  let sb: Sandbox;
  let link: Link;
  const agents: Running[] = [];

  beforeAll(async () => { sshd = await startSshd(); });
  afterAll(async () => { await sshd?.stop(); });
  beforeEach(async () => {
    sb = await makeSandbox(["a", "b", "c"], []);
    link = await startLink({ target: { host: sshd.host, port: sshd.port }, delayMs: 5 });
  });
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await link?.stop();
    await sb?.cleanup();
  });

  /** `from` gets an ssh:// remote `to`, through the link or straight to the sshd. */
  const remote = async (from: string, to: string, through: Link | null) => {
    await git(sb.clones[from]!, "remote", "add", to, sshd.url(sb.clones[to]!, through?.port));
    await git(sb.clones[from]!, "config", "core.sshCommand", sshd.sshCommand);
    await git(sb.clones[from]!, "config", "herald.networkTimeout", String(LIMIT_S));
    await git(sb.clones[from]!, "config", "herald.retryInterval", "4s");
  };
  const start = async (name: string) => {
    const r = await startOne(sb.clones[name]!);
    agents.push(r);
    return r;
  };
  const retryError = async (r: Running, remote: string) => (await r.agent.status()).retries[remote]?.error ?? "";

  it("a cut during a push: killed after herald.networkTimeout without progress, reason timeout, and the push lands after restore", async () => {
    await remote("a", "b", link);
    await remote("b", "a", link);
    const a = await start("a");
    await start("b");
    // A push of 1.5 MB at 1 MB/s (it would take 1.5 s, within the limit): the cut comes while it
    // is under way. The buffers on the way (ssh's, the sockets') take it all at once, so git's
    // last word is from the push's start, and the wait is counted from there.
    link.set({ bytesPerSecond: 1 << 20 });
    const sent = link.stats.bytesToTarget;
    const sha = await commitFile(sb.clones.a!, "big.bin", randomBytes(3 << 19), "a large file");
    await waitFor(async () => link.stats.bytesToTarget - sent > 1 << 18, 20_000, "the push under way");
    link.cut();
    const cutAt = Date.now();
    await waitFor(async () => /^timeout: no progress for 3 s/.test(await retryError(a, "b")), 15_000, "the push's failure, reason timeout");
    const killedAfter = Date.now() - cutAt;
    // The watchdog fired, not ssh's keep-alive (15 s) nor the kernel's retransmissions.
    expect(killedAfter).toBeLessThan((LIMIT_S + 1.5) * 1000);
    expect(a.records.filter((r) => r.event === "push-failed").map((r) => r.error)).toContainEqual(expect.stringMatching(/^timeout: no progress for 3 s \(git push b\)$/));
    // Meanwhile retries come and are killed in turn: nothing of ours runs longer than the limit.
    for (let i = 0; i < 4; i++) {
      expect(await overdue((LIMIT_S + 1.5) * 1000)).toEqual([]);
      await new Promise((r) => setTimeout(r, 1000));
    }
    link.restore();
    await waitFor(async () => (await head(sb.clones.b!)) === sha, 60_000, "a's commit on b after restore");
    await waitFor(async () => (await a.agent.status()).retries.b === undefined, 10_000, "the retry done");
    console.log(`cut → kill ${killedAfter} ms`);
  });

  it("while one remote is cut, commits keep reaching a healthy one at once, and status answers", async () => {
    await remote("a", "b", link);
    await remote("a", "c", null);
    const a = await start("a");
    await start("b");
    await start("c");
    const first = await commitFile(sb.clones.a!, "one.txt", "one\n");
    await waitFor(async () => (await head(sb.clones.b!)) === first && (await head(sb.clones.c!)) === first, 20_000, "the first commit on b and c");
    link.cut();
    for (const n of ["two", "three"]) {
      const t0 = Date.now();
      const sha = await commitFile(sb.clones.a!, `${n}.txt`, `${n}\n`);
      await waitFor(async () => (await head(sb.clones.c!)) === sha, 10_000, `commit ${n} on c while b is cut`);
      expect(Date.now() - t0).toBeLessThan(LIMIT_S * 1000);
      const s0 = Date.now();
      await a.agent.status();
      expect(Date.now() - s0).toBeLessThan(500);
    }
    await waitFor(async () => /^timeout: no progress for 3 s/.test(await retryError(a, "b")), 15_000, "b's failure, reason timeout");
    link.restore();
    const last = await head(sb.clones.a!);
    await waitFor(async () => (await head(sb.clones.b!)) === last, 30_000, "b caught up after restore");
  });

  it("a git-annex transfer over a cut link is killed after herald.networkTimeout without progress, and the content arrives after restore", async () => {
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    await remote("a", "b", link);
    await remote("b", "a", link);
    await git(sb.clones.a!, "config", "annex.largefiles", "anything");
    const a = await start("a");
    await start("b");
    // The first sync makes the master connection; then the link goes dead under it.
    const first = await commitFile(sb.clones.a!, "small.txt", "small\n");
    await waitFor(async () => (await head(sb.clones.b!)) === first, 20_000, "the first commit on b");
    link.cut();
    const cutAt = Date.now();
    await commitFile(sb.clones.a!, "big.bin", randomBytes(256 << 10), "a large file");
    const key = (await git(sb.clones.a!, "annex", "lookupkey", "big.bin")).trim();
    await waitFor(async () => a.records.some((r) => r.event === "transfer-failed" && r.key === key), 15_000, "the transfer's failure");
    expect(a.records.find((r) => r.event === "transfer-failed" && r.key === key)).toEqual(expect.objectContaining({ remote: "b", error: "timeout: no progress for 3 s" }));
    // Counted from the transfer's start (after the commit, and git-annex's own start-up).
    const at = (event: string) => Date.parse(a.records.find((r) => r.event === event && r.key === key)!.t);
    expect(at("transfer-failed") - at("transfer-started")).toBeLessThan((LIMIT_S + 1.5) * 1000);
    expect(at("transfer-started")).toBeGreaterThanOrEqual(cutAt - 5);
    expect(await overdue((LIMIT_S + 1.5) * 1000)).toEqual([]);
    link.restore();
    await waitFor(async () => hasContent(sb.clones.b!, key), 60_000, "the content on b after restore");
  });

  it("what a remote first met over a cut link lacks is asked under the watchdog: the question ends within herald.networkTimeout", async () => {
    // Until git-annex has met a remote (no remote.<name>.annex-uuid), `find --in=<remote>` asks it
    // for its uuid over ssh: the start-up offer of content committed while no agent ran.
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    await remote("a", "b", link);
    await git(sb.clones.a!, "config", "annex.largefiles", "anything");
    await commitFile(sb.clones.a!, "big.bin", randomBytes(64 << 10), "content committed while no agent ran");
    link.cut();
    const repo = await GitRepo.open(sb.clones.a!);
    repo.networkTimeoutMs = LIMIT_S * 1000;
    try {
      const t0 = Date.now();
      expect(await lacking(repo, "b", (await git(sb.clones.a!, "config", "remote.b.url")).trim())).toEqual([]);
      expect(Date.now() - t0).toBeLessThan((LIMIT_S + 1.5) * 1000);
      expect(await overdue((LIMIT_S + 1.5) * 1000)).toEqual([]);
    } finally { repo.close(); }
  });

  it("two remotes on one host: the commands that start at once share one connection (the first makes the master, the other waits for it)", async () => {
    await remote("a", "b", null);
    await remote("a", "c", null);
    const before = await sshd.connections();
    // At start both remotes are asked who they are (ls-remote), at the same moment; then a commit
    // is pushed to both at once.
    await start("a");
    const sha = await commitFile(sb.clones.a!, "x.txt", "x\n");
    await waitFor(async () => (await git(sb.clones.b!, "for-each-ref", "--format=%(objectname)")).includes(sha) && (await git(sb.clones.c!, "for-each-ref", "--format=%(objectname)")).includes(sha), 20_000, "the commit at b and c");
    expect((await sshd.connections()) - before).toBe(1);
  });

  it("herald doctor over a cut link ends within its deadline, through the user's own ControlMaster too, and says so", async () => {
    // The user's ssh settings keep a master connection (ControlPersist), as in ~/.ssh/config.
    const master = `-o ControlMaster=auto -o ControlPersist=60 -o ControlPath=${join(sb.root, "cm-%C")}`;
    await git(sb.clones.a!, "remote", "add", "b", sshd.url(sb.clones.b!, link.port));
    await git(sb.clones.a!, "remote", "add", "c", sshd.url(sb.clones.c!));
    await git(sb.clones.a!, "config", "core.sshCommand", `${sshd.sshCommand} ${master}`);
    await git(sb.clones.a!, "ls-remote", "b");
    expect((await readdir(sb.root)).some((f) => f.startsWith("cm-"))).toBe(true);
    link.cut();
    const t0 = Date.now();
    const checks = await runDoctor({ dirs: [sb.clones.a!], machine: [], env: {}, timeoutMs: 4000 });
    const took = Date.now() - t0;
    expect(took).toBeLessThan(7000);
    const line = (name: string) => checks.find((c) => c.name.endsWith(`remote ${name}`));
    expect(line("b")).toEqual(expect.objectContaining({ result: "fail", detail: expect.stringMatching(/timeout: no answer within 4 s/) }));
    expect(line("c")).toEqual(expect.objectContaining({ result: "ok" }));
    console.log(`doctor over the cut link: ${took} ms`);
  });
});

describe("ssh's movement (what the watchdog asks before it kills a quiet command)", () => {
  it("bytes crossing a slow link count as movement; a cut link's none do", async () => {
    const sshd = await startSshd();
    const link = await startLink({ target: { host: sshd.host, port: sshd.port }, bytesPerSecond: 256 << 10 });
    // A download that outlasts the test: ssh reads at the link's rate and prints nothing.
    const child = spawn("sh", ["-c", `${sshd.sshCommand} -p ${link.port} ${sshd.user}@${sshd.host} 'head -c 100000000 /dev/zero' > /dev/null`], { detached: true, stdio: "ignore" });
    try {
      await waitFor(async () => link.stats.bytesToClient > 64 << 10, 20_000, "the download under way");
      const moving = sshMovement(async () => null);
      expect(await moving(child.pid!)).toBe(false); // the first look only takes note
      await new Promise((r) => setTimeout(r, 1000));
      expect(await moving(child.pid!)).toBe(true);
      link.cut();
      await new Promise((r) => setTimeout(r, 1000));
      await moving(child.pid!); // what arrived before the cut
      await new Promise((r) => setTimeout(r, 1500));
      expect(await moving(child.pid!)).toBe(false);
    } finally {
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ }
      await link.stop();
      await sshd.stop();
    }
  });
});

/** git and ssh processes under this one (the agents run in it) older than `ms`: the masters
 * (`ssh: … [mux]`, kept for reuse by design), the long-running `git cat-file --batch` and the
 * test's sshd with what it runs are not counted. */
async function overdue(ms: number): Promise<string[]> {
  const tick = 100; // USER_HZ
  const uptime = Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]);
  const procs = new Map<number, { ppid: number; cmd: string; age: number }>();
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p)).map(Number)) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0/g, " ").trim();
      procs.set(pid, { ppid: Number(f[1]), cmd, age: (uptime - Number(f[19]) / tick) * 1000 });
    } catch { /* gone meanwhile */ }
  }
  const out: string[] = [];
  const walk = (parent: number) => {
    for (const [pid, p] of procs) {
      if (p.ppid !== parent || /^\S*sshd\b/.test(p.cmd)) continue;
      if (/^(\S*\/)?(git|ssh)\b/.test(p.cmd) && !/\[mux\]|cat-file/.test(p.cmd) && p.age > ms) out.push(`${pid} ${Math.round(p.age)} ms: ${p.cmd.slice(0, 120)}`);
      walk(pid);
    }
  };
  walk(process.pid);
  return out;
}
