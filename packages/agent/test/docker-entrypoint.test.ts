// docker/agent/entrypoint.sh run for real on temporary clones, with a stand-in for node: the
// HERALD_* environment must end up in the machine settings file (git config -f), the clones on
// the daemon's list, and the container must exec `herald daemon`.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../../docker/agent/entrypoint.sh", import.meta.url));
const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000, env });

describe("docker/agent/entrypoint.sh on real clones", () => {
  let dir: string, repo: string, bin: string, argsFile: string, password: string, config: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "herald-entrypoint-")));
    repo = join(dir, "clone");
    bin = join(dir, "bin");
    argsFile = join(dir, "node-args");
    password = join(dir, "herald_password");
    config = join(dir, "config", "herald");
    expect(run("git", ["init", "-q", repo]).status).toBe(0);
    await mkdir(bin);
    // A stand-in for node: records the arguments the entrypoint execs it with.
    await writeFile(join(bin, "node"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}"\n`);
    await chmod(join(bin, "node"), 0o755);
    await writeFile(password, "s3cret-for-the-test\n", { mode: 0o600 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const entrypoint = (env: Record<string, string>, args: string[] = []) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HERALD_")));
    return run("sh", [script, ...args], {
      ...base, PATH: `${bin}${delimiter}${base.PATH ?? ""}`, XDG_CONFIG_HOME: join(dir, "config"), HERALD_REPO_DIR: repo, ...env,
    });
  };
  const machine = (key: string) => run("git", ["config", "-f", join(config, "config"), "--get-all", key]).stdout.split("\n").filter(Boolean);
  const clone = (key: string, at = repo) => run("git", ["-C", at, "config", "--local", "--get-all", key]).stdout.split("\n").filter(Boolean);
  const execArgs = async () => (await readFile(argsFile, "utf8")).split("\n").filter(Boolean);

  it("is valid sh", () => {
    expect(run("sh", ["-n", script]).status).toBe(0);
  });

  it("writes the machine settings, lists the clone, then execs herald daemon", async () => {
    const r = entrypoint({
      HERALD_JID: "agent1@example.org",
      HERALD_SERVICE: "xmpp://prosody:5222",
      HERALD_PEERS: "agent2@example.org  agent3@example.org",
      HERALD_ADMINS: "me@example.org",
      HERALD_TLS_CA: "/run/secrets/herald_ca",
      HERALD_PASSWORD_FILE: password,
    }, ["--verbose"]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(machine("herald.jid")).toEqual(["agent1@example.org"]);
    expect(machine("herald.service")).toEqual(["xmpp://prosody:5222"]);
    expect(machine("herald.peer")).toEqual(["agent2@example.org", "agent3@example.org"]);
    expect(machine("herald.admin")).toEqual(["me@example.org"]);
    expect(machine("herald.tlsca")).toEqual(["/run/secrets/herald_ca"]);
    expect(machine("herald.passwordfile")).toEqual([password]);
    expect(machine("herald.pubsub")).toEqual([]); // unset: the agent's default applies
    expect(clone("herald.node")).toEqual([expect.stringMatching(/^docker-[0-9a-f]{8}$/)]);
    expect(clone("herald.jid")).toEqual([]); // the clone's config holds only its node id
    expect((await readFile(join(config, "repos"), "utf8")).split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([repo]);
    expect(await execArgs()).toEqual(["/opt/herald/herald.mjs", "daemon", "--verbose"]);
    expect(await readFile(join(config, "config"), "utf8")).not.toContain("s3cret");
  });

  it("replaces list settings on the next start and keeps the node id", () => {
    expect(entrypoint({ HERALD_PEERS: "agent2@example.org agent3@example.org", HERALD_ADMINS: "me@example.org", HERALD_PASSWORD_FILE: password }).status).toBe(0);
    const node = clone("herald.node");
    expect(node).toHaveLength(1);
    const r = entrypoint({ HERALD_PEERS: "agent4@example.org", HERALD_PASSWORD_FILE: password });
    expect(r.status).toBe(0);
    expect(machine("herald.peer")).toEqual(["agent4@example.org"]);
    expect(machine("herald.admin")).toEqual(["me@example.org"]); // empty variable: left as it was
    expect(clone("herald.node")).toEqual(node);
    expect(entrypoint({ HERALD_NODE: "laptop", HERALD_PASSWORD_FILE: password }).status).toBe(0);
    expect(clone("herald.node")).toEqual(["laptop"]);
  });

  it("takes several server addresses, in order (a cluster's nodes: compose.cluster.yaml)", () => {
    expect(entrypoint({ HERALD_SERVICE: "xmpp://ejabberd-1:5222 xmpp://ejabberd-2:5222", HERALD_PASSWORD_FILE: password }).status).toBe(0);
    expect(machine("herald.service")).toEqual(["xmpp://ejabberd-1:5222", "xmpp://ejabberd-2:5222"]);
    expect(entrypoint({ HERALD_SERVICE: "xmpp://prosody:5222", HERALD_PASSWORD_FILE: password }).status).toBe(0);
    expect(machine("herald.service")).toEqual(["xmpp://prosody:5222"]);
  });

  it("drops a copy an earlier version wrote into the clone, which would override the environment", () => {
    expect(run("git", ["-C", repo, "config", "--add", "herald.peer", "old@example.org"]).status).toBe(0);
    const r = entrypoint({ HERALD_PEERS: "agent5@example.org", HERALD_PASSWORD_FILE: password });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("herald.peer moved to the machine settings");
    expect(clone("herald.peer")).toEqual([]);
    expect(machine("herald.peer")).toEqual(["agent5@example.org"]);
  });

  it("lists several clones, each its own node", async () => {
    const second = join(dir, "second");
    expect(run("git", ["init", "-q", second]).status).toBe(0);
    const r = entrypoint({ HERALD_REPO_DIR: `${repo} ${second}`, HERALD_NODE: "box", HERALD_PASSWORD_FILE: password });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect((await readFile(join(config, "repos"), "utf8")).split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([repo, second]);
    expect([clone("herald.node"), clone("herald.node", second)]).toEqual([["box-clone"], ["box-second"]]);
  });

  it("refuses to start without a readable password file, or without a clone", async () => {
    await rm(argsFile, { force: true });
    const r = entrypoint({ HERALD_JID: "agent1@example.org", HERALD_PASSWORD_FILE: join(dir, "missing") });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/password file/);
    expect(existsSync(argsFile)).toBe(false);
    const notClone = join(dir, "empty");
    await mkdir(notClone);
    const r2 = entrypoint({ HERALD_REPO_DIR: notClone });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/not a git clone/);
    expect(existsSync(argsFile)).toBe(false);
  });
});
