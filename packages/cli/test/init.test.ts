// `herald init` as a script would run it (no terminal): --dry-run writes nothing, a real login to
// a throwaway Prosody writes the config, and every failure is one line with the right exit code.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, makeSandbox, startXmppServer, type Sandbox, type XmppServer } from "@herald/testkit";
import { herald, lines } from "./run-herald.js";

const execFileP = promisify(execFile);

/** The clone's herald.* settings (keys as git prints them: lowercase), or [] if none. */
async function heraldConfig(dir: string): Promise<string[]> {
  const r = await execFileP("git", ["config", "--local", "--get-regexp", "^herald\\.(jid|passwordfile|service|pubsub|tlsca|peer|admin)$"], { cwd: dir })
    .catch((e: { code?: number }) => (e.code === 1 ? { stdout: "" } : Promise.reject(e)));
  return r.stdout.split("\n").filter(Boolean);
}

describe("herald init", () => {
  let sb: Sandbox;
  let server: XmppServer;
  let pwFile: string;
  const env = { HERALD_PASSWORD: "" }; // an outer HERALD_PASSWORD must not stand in for --password-file
  beforeAll(async () => {
    [sb, server] = await Promise.all([makeSandbox(["n1", "n2", "n3", "n4"], "line"), startXmppServer({ accounts: 2 })]);
    pwFile = join(sb.root, "agent1.pw");
    await writeFile(pwFile, `${server.accounts[0]!.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await server?.stop();
    await sb?.cleanup();
  });

  it("--dry-run prints the git config it would write and writes nothing", async () => {
    const r = await herald(["init", "--repo", sb.clones.n1!, "--jid", "agent1@localhost", "--password-file", pwFile,
      "--peer", "agent2@localhost", "--peer", "Other@Example.org", "--admin", "me@example.org", "--dry-run"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      `would run in ${sb.clones.n1}:`,
      "  git config herald.jid agent1@localhost",
      `  git config herald.passwordFile ${pwFile}`,
      "  git config --replace-all herald.peer agent2@localhost",
      "  git config --add herald.peer Other@Example.org",
      "  git config --replace-all herald.admin me@example.org",
      "",
    ].join("\n"));
    expect(await heraldConfig(sb.clones.n1!)).toEqual([]);
  });

  it("logs in to a real server, reaches pubsub, then writes the config", async () => {
    const dir = sb.clones.n2!;
    const r = await herald(["init", "--jid", "agent1@localhost", "--password-file", pwFile, "--service", server.service,
      "--pubsub", server.pubsub, "--tls-ca", server.caFile!, "--peer", "agent2@localhost"], { cwd: dir, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`herald is set up in ${dir}: node n2, account agent1@localhost (logged in to ${server.service})`);
    expect(r.stdout).toContain(`herald agent --repo ${dir}`);
    expect(await heraldConfig(dir)).toEqual([
      "herald.jid agent1@localhost",
      `herald.passwordfile ${pwFile}`,
      `herald.service ${server.service}`,
      `herald.pubsub ${server.pubsub}`,
      `herald.tlsca ${server.caFile}`,
      "herald.peer agent2@localhost",
    ]);
  });

  it("reports an unreachable server in one line naming it (exit 1) and writes nothing", async () => {
    const service = `xmpp://127.0.0.1:${await freePort()}`;
    const r = await herald(["init", "--repo", sb.clones.n3!, "--jid", "agent1@localhost", "--password-file", pwFile, "--service", service], { env });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^herald: cannot log in to ${service} as agent1@localhost: nothing is listening at 127.0.0.1:\\d+ \\(connection refused\\)`))]);
    expect(await heraldConfig(sb.clones.n3!)).toEqual([]);
  });

  it("reports a wrong password over TLS (exit 1)", async () => {
    const wrong = join(sb.root, "wrong.pw");
    await writeFile(wrong, "not-the-password\n", { mode: 0o600 });
    const r = await herald(["init", "--repo", sb.clones.n3!, "--jid", "agent1@localhost", "--password-file", wrong, "--service", server.service, "--tls-ca", server.caFile!], { env });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([`herald: cannot log in to ${server.service} as agent1@localhost: not authorized (wrong password, or no such account)`]);
    expect(await heraldConfig(sb.clones.n3!)).toEqual([]);
  });

  it("names the missing flags when it cannot ask (no terminal; exit 2)", async () => {
    const r = await herald(["init", "--repo", sb.clones.n4!, "--no-check"], { env });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["herald: missing --jid and --password-file; stdin is not a terminal, so herald init cannot ask (give them as flags)"]);
    const onlyJid = await herald(["init", "--repo", sb.clones.n4!, "--password-file", pwFile, "--no-check"], { env });
    expect(lines(onlyJid.stderr)).toEqual([expect.stringMatching(/^herald: missing --jid; /)]);
    expect(await heraldConfig(sb.clones.n4!)).toEqual([]);
  });

  it.each([
    [["--jid", "not-a-jid"], 'herald: herald.jid: "not-a-jid" is not a bare JID (user@domain)'],
    [["--jid", "a@localhost", "--peer", "bad peer"], 'herald: herald.peer: "bad peer" is not a bare JID (user@domain)'],
    [["--jid", "a@localhost", "--service", "localhost:5222"], 'herald: herald.service: expected xmpp://host:port or xmpps://host:port, got "localhost:5222"'],
  ])("rejects %j, naming the key (exit 2), writing nothing", async (extra, message) => {
    const r = await herald(["init", "--repo", sb.clones.n4!, "--password-file", pwFile, "--no-check", ...extra], { env });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([message]);
    expect(await heraldConfig(sb.clones.n4!)).toEqual([]);
  });

  it("rejects a password file it cannot read, and a directory that is not a clone (exit 2)", async () => {
    const missing = join(sb.root, "absent.pw");
    const r = await herald(["init", "--repo", sb.clones.n4!, "--jid", "a@localhost", "--password-file", missing, "--no-check"], { env });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`herald: herald.passwordFile: cannot read ${missing}: ENOENT`]);
    const notRepo = await herald(["init", "--repo", sb.root, "--jid", "a@localhost", "--password-file", pwFile], { env });
    expect(notRepo.code).toBe(2);
    expect(lines(notRepo.stderr)).toEqual([`herald: ${sb.root} is not a git working tree`]);
  });
});
