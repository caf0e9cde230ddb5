// ssh:// remotes against a real OpenSSH server (testkit sshd.ts): Herald syncs over them with the
// user's own ssh settings (core.sshCommand, as a user's ~/.ssh/config would give them), learns
// the nodes behind them over ssh, never waits at a prompt (a terminal included), says why ssh
// failed, and reuses one connection per host.
import { commitFile, git, hasContent, head, makeSandbox, startLink, startSshd, waitFor, type Sandbox, type Sshd } from "@herald/testkit";
import { randomBytes } from "node:crypto";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createLogger, type LogRecord } from "@herald/agent";
import { acquireControlDir, releaseControlDir } from "../src/git/ssh-control.js";
import { startOne, stopAll, type Running } from "./helpers.js";

const execFileP = promisify(execFile);
const HERALD = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

describe("ssh remotes", () => {
  let sshd: Sshd;
  let sb: Sandbox;
  const agents: Running[] = [];

  beforeAll(async () => { sshd = await startSshd(); });
  afterAll(async () => { await sshd?.stop(); });
  beforeEach(async () => { sb = await makeSandbox(["a", "b"], []); });
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  /** Each clone gets an ssh:// remote to the others, and this sshd's key and host key the way a
   * user's settings would give them (core.sshCommand). */
  const wire = async (names: string[], sshCommand = sshd.sshCommand, port?: number) => {
    for (const x of names) {
      for (const y of names) if (y !== x) await git(sb.clones[x]!, "remote", "add", y, sshd.url(sb.clones[y]!, port));
      await git(sb.clones[x]!, "config", "core.sshCommand", sshCommand);
    }
  };

  const start = async (dir: string) => {
    const r = await startOne(dir);
    agents.push(r);
    return r;
  };

  it("two clones sync both ways over ssh:// with no herald-node: the nodes are learned over ssh", async () => {
    await wire(["a", "b"]);
    const a = await start(sb.clones.a!), b = await start(sb.clones.b!);
    expect((await b.agent.status()).remotes.find((r) => r.name === "a")).toEqual(expect.objectContaining({ kind: "peer", node: "a" }));
    const sha = await commitFile(sb.clones.a!, "from-a.txt", "made on a\n");
    await waitFor(async () => (await head(sb.clones.b!)) === sha, 20_000, "a's commit on b");
    await commitFile(sb.clones.b!, "from-b.txt", "made on b\n");
    await waitFor(async () => (await git(sb.clones.a!, "ls-files")).includes("from-b.txt"), 20_000, "b's commit on a");
    expect((await a.agent.status()).remotes.find((r) => r.name === "b")).toEqual(expect.objectContaining({ kind: "peer", node: "b" }));
  });

  /** Syncs a→b `n` times, one after the other; the sshd's accepted connections meanwhile. */
  let made = 0;
  const connectionsFor = async (n: number) => {
    const before = await sshd.connections();
    for (let i = 0; i < n; i++) {
      const sha = await commitFile(sb.clones.a!, `n${++made}.txt`, `${made}\n`);
      await waitFor(async () => (await head(sb.clones.b!)) === sha, 20_000, `commit ${i} on b`);
    }
    return (await sshd.connections()) - before;
  };

  it("over an 80 ms link (the test kit's simulator) both ways, and syncs after the first cross it on the connection already open", async () => {
    const link = await startLink({ target: { host: sshd.host, port: sshd.port }, delayMs: 40 });
    try {
      await wire(["a", "b"], sshd.sshCommand, link.port);
      await start(sb.clones.a!);
      await start(sb.clones.b!);
      await connectionsFor(1);
      const opened = link.stats.connections;
      expect(await connectionsFor(2)).toBe(0);
      expect(link.stats.connections).toBe(opened);
      await commitFile(sb.clones.b!, "back.txt", "made on b\n");
      await waitFor(async () => (await git(sb.clones.a!, "ls-files")).includes("back.txt"), 20_000, "b's commit on a, across the link");
    } finally {
      await stopAll(agents.splice(0));
      await link.stop();
    }
  });

  it("reuses one ssh connection: three more syncs open none; herald.sshCaching=false opens one per sync", async () => {
    await wire(["a", "b"]);
    await start(sb.clones.a!);
    await start(sb.clones.b!);
    // The first sync makes a's master; then none is needed.
    await connectionsFor(1);
    expect(await connectionsFor(3)).toBe(0);
    await stopAll(agents.splice(0, 1));
    await git(sb.clones.a!, "config", "herald.sshCaching", "false");
    await start(sb.clones.a!);
    await connectionsFor(1);
    expect(await connectionsFor(3)).toBeGreaterThanOrEqual(3);
  });

  it("a ControlPath directory that cannot be made: plain ssh, one log line, and syncing goes on", async () => {
    await wire(["a", "b"]);
    const runtime = join(sb.root, "runtime");
    await mkdir(runtime);
    await writeFile(join(runtime, "herald"), "a file where the directory would go\n");
    const was = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = runtime;
    try {
      const a = await start(sb.clones.a!);
      await start(sb.clones.b!);
      expect(a.records.filter((r) => r.event === "ssh-caching-off")).toEqual([expect.objectContaining({ level: "warn", reason: expect.stringContaining(join(runtime, "herald")) })]);
      expect(await connectionsFor(2)).toBeGreaterThanOrEqual(2);
    } finally {
      if (was === undefined) delete process.env.XDG_RUNTIME_DIR; else process.env.XDG_RUNTIME_DIR = was;
    }
  });

  it("annexed content travels over ssh:// (git-annex-shell on the far side), through the same ssh settings", async () => {
    for (const n of ["a", "b"]) await git(sb.clones[n]!, "annex", "init", "-q", n);
    await wire(["a", "b"]);
    await git(sb.clones.a!, "config", "annex.largefiles", "anything");
    const a = await start(sb.clones.a!);
    await start(sb.clones.b!);
    await commitFile(sb.clones.a!, "big.bin", randomBytes(256 << 10), "a large file");
    const key = (await git(sb.clones.a!, "annex", "lookupkey", "big.bin")).trim();
    await waitFor(async () => hasContent(sb.clones.b!, key), 30_000, "the content on b");
    expect(a.records.filter((r) => r.event === "transfer-failed")).toEqual([]);
  });

  /** A known_hosts that does not know the sshd: ssh would ask whether to trust its key. */
  const unknownHostKey = async () => {
    const empty = join(sb.root, "known_hosts_empty");
    await writeFile(empty, "");
    await wire(["a", "b"], sshd.sshCommand.replace(/UserKnownHostsFile=\S+/, `UserKnownHostsFile=${empty}`).replace(/ -o StrictHostKeyChecking=yes/, ""));
    return empty;
  };

  it("an unknown host key is a failure that says so, with no prompt and no hang", async () => {
    const knownHosts = await unknownHostKey();
    const a = await start(sb.clones.a!);
    await commitFile(sb.clones.a!, "x.txt", "x\n");
    await waitFor(async () => /Host key verification failed\./.test((await a.agent.status()).retries.b?.error ?? ""), 20_000, "the push's failure, with ssh's reason");
    expect(await readFile(knownHosts, "utf8")).toBe("");
  });

  it("a key the server does not accept: the failure says Permission denied (publickey)", async () => {
    const other = join(sb.root, "other_key");
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    await wire(["a", "b"], sshd.sshCommand.replace(/-i \S+/, `-i ${other}`));
    const a = await start(sb.clones.a!);
    await commitFile(sb.clones.a!, "x.txt", "x\n");
    await waitFor(async () => /Permission denied \(publickey\)/.test((await a.agent.status()).retries.b?.error ?? ""), 20_000, "the push's failure, with ssh's reason");
  });

  it("…also when the agent runs in a terminal: herald status names the cause", async () => {
    const knownHosts = await unknownHostKey();
    const a = sb.clones.a!;
    // Its node typed: the push itself goes out (an unresolved remote is asked with ls-remote
    // first, which runs without a terminal anyway).
    await git(a, "config", "remote.b.herald-node", "b");
    // script(1) gives the agent a terminal (a pty): ssh without BatchMode would ask on it and wait.
    const term = spawn("script", ["-qfec", `${JSON.stringify(process.execPath)} ${JSON.stringify(HERALD)} agent --repo ${JSON.stringify(a)}`, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    term.stdout.on("data", (b: Buffer) => (screen += b.toString()));
    const exited = new Promise((r) => term.once("exit", r));
    try {
      await waitFor(async () => /Host key verification failed\./.test(await heraldStatus(a)), 25_000, "herald status naming the cause");
      expect(screen).not.toMatch(/continue connecting|yes\/no/);
      expect(await readFile(knownHosts, "utf8")).toBe("");
    } finally {
      await heraldRun(["stop", "--repo", a]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (term.exitCode === null) term.kill("SIGKILL");
    }
  });
});

function heraldRun(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [HERALD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    c.stdout.on("data", (b: Buffer) => (out += b.toString()));
    c.stderr.on("data", (b: Buffer) => (out += b.toString()));
    c.once("close", () => resolve(out));
  });
}

const heraldStatus = (dir: string) => heraldRun(["status", "--repo", dir]);

describe("the ControlPath directory", () => {
  it("is one per process under the runtime directory; what a process that is gone left is removed at start, and the last release removes its own", async () => {
    const runtime = await mkdtemp(join(tmpdir(), "herald-runtime-"));
    try {
      const dead = await new Promise<number>((resolve) => { const c = spawn("true"); c.once("exit", () => resolve(c.pid!)); });
      const stale = join(runtime, "herald", "ssh", `${dead}.1`);
      await mkdir(stale, { recursive: true });
      await writeFile(join(stale, "0123abcd"), "");
      const records: LogRecord[] = [];
      const log = createLogger([(r) => records.push(r)], "debug");
      const env = { XDG_RUNTIME_DIR: runtime };
      const [one, two] = await Promise.all([acquireControlDir(log, env), acquireControlDir(log, env)]);
      expect(one).toBe(two);
      expect(one).toMatch(new RegExp(`^${runtime}/herald/ssh/${process.pid}\\.\\d+$`));
      expect(await readdir(join(runtime, "herald", "ssh"))).toEqual([basename(one!)]);
      await releaseControlDir();
      expect(existsSync(one!)).toBe(true); // still in use by the second
      await releaseControlDir();
      expect(existsSync(one!)).toBe(false);
      expect(records).toEqual([]);
    } finally {
      await rm(runtime, { recursive: true, force: true });
    }
  });
});
