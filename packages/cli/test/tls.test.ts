// TLS as deployed: Prosody and ejabberd requiring STARTTLS, and direct TLS (xmpps://), with a
// certificate from a CA made for the run and trusted through herald.tlsCa, never by switching
// verification off. Every path that logs in works (herald init's check, doctor, peer add, the
// daemon, an agent); a certificate that does not verify, or names another host, fails in one line
// naming what the server presented and the fix; a wrong password gets the plain reason.
import { commitFile, ejabberdInstalled, head, makeCa, makeSandbox, startEjabberdServer, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { herald, lines, startHerald, type Running } from "./run-herald.js";

const haveEjabberd = await ejabberdInstalled();
if (!haveEjabberd) console.log("tls: ejabberd is not installed; its cases are skipped");
const servers: Array<[string, (o: { accounts: string[] }) => Promise<XmppServer>]> = [
  ["Prosody", startXmppServer],
  ...(haveEjabberd ? [["ejabberd", startEjabberdServer] as [string, typeof startEjabberdServer]] : []),
];

async function home(): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(join(tmpdir(), "herald-tls-"));
  return { dir, env: { HERALD_PASSWORD: "", XDG_CONFIG_HOME: join(dir, "config"), XDG_RUNTIME_DIR: join(dir, "run"), XDG_STATE_HOME: join(dir, "state") } };
}

async function passwordFile(dir: string, user: string): Promise<string> {
  const f = join(dir, `${user}.pw`);
  await writeFile(f, `${user}-pw\n`, { mode: 0o600 });
  return f;
}

describe.each(servers)("%s requiring TLS", (_kind, start) => {
  let server: XmppServer;
  let sb: Sandbox | undefined;
  let h: { dir: string; env: NodeJS.ProcessEnv } | undefined;
  let agent: Running | undefined;
  beforeAll(async () => { server = await start({ accounts: ["n1", "n2"] }); }, 60_000);
  afterEach(async () => {
    if (agent) { agent.child.kill("SIGTERM"); await agent.exited; agent = undefined; }
    if (h) await herald(["stop"], { cwd: h.dir, env: h.env });
    await Promise.all([sb?.cleanup(), h && rm(h.dir, { recursive: true, force: true })]);
    sb = undefined; h = undefined;
  });
  afterAll(async () => { await server?.stop(); });

  it.each(["STARTTLS", "direct TLS"])("%s: init checks the login, doctor passes its TLS checks, peer add grants, the daemon and an agent sync", async (how) => {
    const service = how === "STARTTLS" ? server.service : server.tlsService!;
    expect(service).toMatch(how === "STARTTLS" ? /^xmpp:\/\// : /^xmpps:\/\//);
    sb = await makeSandbox(["n1", "n2"], [], { bares: ["hub"] });
    h = await home();
    const { env } = h;
    const [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    const common = ["--service", service, "--pubsub", server.pubsub, "--tls-ca", server.caFile!];

    // The machine's settings serve n1 (through the daemon); n2 has its own (an agent).
    const machine = await herald(["init", "--machine", "--jid", `n1@${server.domain}`, "--password-file", await passwordFile(h.dir, "n1"), ...common, "--peer", `n2@${server.domain}`], { env });
    expect(machine.stderr).toBe("");
    expect(machine.stdout).toContain(`account n1@${server.domain} (logged in to ${service})`);
    expect(machine.code).toBe(0);

    // The doctor creates the repository's node (ejabberd: n1 owns it then, and only it may grant).
    const doctor = await herald(["doctor", "--repo", n1], { env });
    expect(doctor.stderr).toBe("");
    expect(lines(doctor.stdout)).toEqual(expect.arrayContaining([`ok   ${n1} xmpp login: n1@${server.domain} on ${service}`, `ok   ${n1} tls: the stream is encrypted`]));

    const grant = await herald(["peer", "add", `n2@${server.domain}`, "--repo", n1], { env });
    expect(grant.stderr).toBe("");
    expect(grant.stdout).toContain(`n2@${server.domain} publisher`);
    expect(grant.code).toBe(0);
    const clone = await herald(["init", "--repo", n2, "--jid", `n2@${server.domain}`, "--password-file", await passwordFile(h.dir, "n2"), ...common, "--peer", `n1@${server.domain}`], { env });
    expect(clone.stderr).toBe("");
    expect(clone.code).toBe(0);

    expect((await herald(["add", n1], { env })).code).toBe(0);
    expect((await herald(["daemon", "--detach"], { cwd: h.dir, env })).code).toBe(0);
    agent = startHerald(["agent", "--repo", n2], { env });
    await agent.waitForStderr(/xmpp-online/, 30_000);
    await waitFor(async () => (await herald(["status"], { cwd: h!.dir, env })).stdout.includes("xmpp online"), 30_000, "the daemon online");
    // n2 pulls from the hub only when an announcement says so: the commit crossed the server.
    const sha = await commitFile(n1, "over-tls.txt", `${how}\n`);
    await waitFor(async () => (await head(n2)) === sha, 30_000, "n1's commit at n2");
  }, 120_000);

  it("a wrong password over TLS: init, doctor and peer add say so in one line", async () => {
    sb = await makeSandbox(["n1"], []);
    h = await home();
    const n1 = sb.clones.n1!;
    const wrong = join(h.dir, "wrong.pw");
    await writeFile(wrong, "not-the-password\n", { mode: 0o600 });
    const reason = "not authorized (wrong password, or no such account)";
    const init = await herald(["init", "--repo", n1, "--jid", `n1@${server.domain}`, "--password-file", wrong, "--service", server.tlsService!, "--tls-ca", server.caFile!], { env: h.env });
    expect({ code: init.code, err: lines(init.stderr) }).toEqual({ code: 1, err: [`herald: cannot log in to ${server.tlsService} as n1@${server.domain}: ${reason}`] });
    await herald(["init", "--repo", n1, "--jid", `n1@${server.domain}`, "--password-file", wrong, "--service", server.service, "--pubsub", server.pubsub, "--tls-ca", server.caFile!, "--no-check"], { env: h.env });
    const doctor = await herald(["doctor", "--repo", n1], { env: h.env });
    expect(doctor.stderr).toBe("");
    expect(lines(doctor.stdout)).toContainEqual(expect.stringContaining(`FAIL ${n1} xmpp login: n1@${server.domain} on ${server.service}: ${reason}`));
    const grant = await herald(["peer", "add", `n2@${server.domain}`, "--repo", n1], { env: h.env });
    expect({ code: grant.code, err: lines(grant.stderr) }).toEqual({ code: 1, err: [`herald: n1@${server.domain} on ${server.service}: ${reason}`] });
  }, 60_000);
});

describe("certificates that must be refused (Prosody)", () => {
  let server: XmppServer, otherHost: XmppServer;
  let sb: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let pw: string;
  beforeAll(async () => {
    [server, otherHost, sb] = await Promise.all([
      startXmppServer({ accounts: ["n1"] }),
      // The domain is localhost, the certificate names another host (as a wrong herald.service would meet).
      startXmppServer({ accounts: ["n1"], certNames: ["xmpp.elsewhere.example"] }),
      makeSandbox(["n1", "n2"], []),
    ]);
    ({ dir, env } = await home());
    pw = await passwordFile(dir, "n1");
  }, 60_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), otherHost?.stop(), sb?.cleanup()]);
    await rm(dir, { recursive: true, force: true });
  });

  const init = (service: string, ...extra: string[]) => herald(["init", "--repo", sb.clones.n1!, "--jid", "n1@localhost", "--password-file", pw, "--service", service, ...extra], { env });
  const presented = (cn: string) => `the server's certificate CN=${cn} \\(DNS:${cn}(, DNS:pubsub\\.localhost)?, IP Address:127\\.0\\.0\\.1\\), issued by CN=Herald test CA \\d+,`;

  it("a CA that did not sign it: one line naming the certificate and the fix, for STARTTLS and direct TLS", async () => {
    const other = await makeCa(await mkdtemp(join(dir, "ca-")), "Some other CA");
    for (const service of [server.service, server.tlsService!]) {
      const r = await init(service, "--tls-ca", other.certFile);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^herald: cannot log in to ${service} as n1@localhost: ${presented("localhost")} does not verify \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): herald\\.tlsCa does not hold the CA that signed it: point herald\\.tlsCa \\(herald init --tls-ca FILE\\) at that CA's certificate$`))]);
    }
    // No herald.tlsCa at all: the system store does not know the run's CA either.
    const none = await init(server.service);
    expect(lines(none.stderr)).toEqual([expect.stringMatching(new RegExp(`^herald: cannot log in to ${server.service} as n1@localhost: ${presented("localhost")} does not verify \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): trust the CA that signed it: herald\\.tlsCa FILE \\(herald init --tls-ca FILE\\)$`))]);
    // The doctor says the same on its login line.
    await init(server.service, "--no-check");
    const doctor = await herald(["doctor", "--repo", sb.clones.n1!], { env: { ...env, HERALD_PASSWORD: "n1-pw" } });
    expect(doctor.code).toBe(1);
    expect(lines(doctor.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^FAIL ${sb.clones.n1} xmpp login: n1@localhost on ${server.service}: ${presented("localhost")} does not verify`)));
  }, 60_000);

  it("a certificate for another host: one line saying whom it names", async () => {
    for (const service of [otherHost.service, otherHost.tlsService!]) {
      const r = await init(service, "--tls-ca", otherHost.caFile!);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^herald: cannot log in to ${service} as n1@localhost: ${presented("xmpp\\.elsewhere\\.example")} does not name localhost \\(herald\\.jid's domain\\): give the server a certificate for localhost, or correct herald\\.jid and herald\\.service if this is not its server$`))]);
    }
  }, 60_000);

  it("a clone without herald.tlsCa of its own trusts the machine's, in init's check as in the agent", async () => {
    const machine = await herald(["init", "--machine", "--jid", "n1@localhost", "--password-file", pw, "--tls-ca", server.caFile!, "--no-check"], { env });
    expect(machine.code).toBe(0);
    const r = await herald(["init", "--repo", sb.clones.n2!, "--jid", "n1@localhost", "--password-file", pw, "--service", server.tlsService!, "--pubsub", server.pubsub], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doctor = await herald(["doctor", "--repo", sb.clones.n2!], { env });
    expect(lines(doctor.stdout)).toContainEqual(`ok   ${sb.clones.n2} tls: the stream is encrypted`);
    await rm(join(dir, "config", "herald", "config"));
  });

  it("--tls-ca must be a readable PEM file with a certificate; it is stored as an absolute path", async () => {
    const notPem = join(dir, "not.pem");
    await writeFile(notPem, "hello\n");
    const bad = await init(server.service, "--tls-ca", notPem);
    expect({ code: bad.code, err: lines(bad.stderr) }).toEqual({ code: 2, err: [`herald: herald.tlsCa: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`] });
    const missing = await init(server.service, "--tls-ca", join(dir, "missing.pem"));
    expect({ code: missing.code, err: lines(missing.stderr) }).toEqual({ code: 2, err: [`herald: herald.tlsCa: cannot read ${join(dir, "missing.pem")}: ENOENT`] });
    await mkdir(join(dir, "certs"), { recursive: true });
    await writeFile(join(dir, "certs", "ca.pem"), await import("node:fs/promises").then((f) => f.readFile(server.caFile!)));
    const relative = await herald(["init", "--repo", sb.clones.n2!, "--jid", "n1@localhost", "--password-file", pw, "--tls-ca", "certs/ca.pem", "--dry-run"], { cwd: dir, env });
    expect(relative.stderr).toBe("");
    expect(relative.stdout).toContain(`  git config herald.tlsCa ${join(dir, "certs", "ca.pem")}\n`);
  });
});
