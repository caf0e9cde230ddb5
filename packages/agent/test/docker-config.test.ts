// Integration: the Docker deployment in docker/, checked with real tools but without Docker.
//  (a) Prosody's own checker (`prosodyctl check config`) and its own config parser read
//      docker/prosody/prosody.cfg.lua, from a temporary copy whose absolute paths point into a
//      temporary directory; the options the agent relies on must come out as intended.
//  (b) compose.yaml and ejabberd/ejabberd.yml through a YAML parser, then their structure: the
//      services, the password only as a secret, port 5222, ejabberd's pubsub service.
//  (c) The agent image's Dockerfile against the repository (every COPY source exists and gets
//      through the build-context filter; npm ci; nothing fetched from elsewhere; the bundle it
//      runs is built and started). docker-entrypoint.test.ts runs its entrypoint on real clones.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ANNOUNCE_NODE_CONFIG } from "@herald/agent";
import { prosodyConfig } from "@herald/testkit";
import { list, loadYaml, obj, YAML, type Json, type Obj } from "./yaml-file.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOCKER = join(ROOT, "docker");
const PROSODY_CFG = join(DOCKER, "prosody", "prosody.cfg.lua");

const run = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000, ...opts });

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// (a) Prosody
// ---------------------------------------------------------------------------------------------

const PROSODYCTL = which("prosodyctl");
if (!PROSODYCTL) console.log("docker-config: skipping the Prosody checks: prosodyctl is not installed (apt-get install prosody)");

/** prosodyctl is a Lua script: its interpreter and CFG_SOURCEDIR let us load Prosody's config parser. */
function prosodyLua(): { lua: string; sourceDir: string } | { reason: string } {
  if (!PROSODYCTL) return { reason: "prosodyctl is not installed" };
  const text = readFileSync(PROSODYCTL, "utf8");
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const lua = shebang ? (basename(shebang[1]!) === "env" ? shebang[2] : shebang[1]) : undefined;
  const sourceDir = /^CFG_SOURCEDIR\s*=\s*['"]([^'"]+)['"]/m.exec(text)?.[1];
  if (!lua || !sourceDir || !existsSync(join(sourceDir, "core", "configmanager.lua"))) {
    return { reason: `cannot find Prosody's Lua interpreter and source directory in ${PROSODYCTL}` };
  }
  return { lua, sourceDir };
}
const LUA = prosodyLua();
if (PROSODYCTL && "reason" in LUA) console.log(`docker-config: skipping the parsed-options check: ${LUA.reason}`);

// Loads a config file with Prosody's own configmanager and prints each host's own options as JSON
// (pairs() skips what a host inherits from the global section).
const DUMP_LUA = `
package.path = arg[2] .. "/?.lua;" .. package.path
package.cpath = arg[2] .. "/?.so;" .. package.cpath
local cm = require "core.configmanager"
local json = require "util.json"
local ok, kind, err = cm.load(arg[1])
if not ok then io.stderr:write(tostring(kind) .. ": " .. tostring(err) .. "\\n"); os.exit(1) end
local out = {}
for host, opts in pairs(cm.getconfig()) do
  local own = {}
  for k, v in pairs(opts) do own[k] = v end
  out[host] = own
end
print(json.encode(out))
`;

/** The env a check runs with: HERALD_DOMAIN etc. as given, all other HERALD_* removed. */
function prosodyEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("HERALD_")) delete env[k];
  return { ...env, ...vars };
}

describe("docker/prosody/prosody.cfg.lua", () => {
  let dir: string;
  let cfgFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-docker-prosody-"));
    // Absolute paths (data_path, pidfile) move under dir/root; nothing outside dir is touched.
    const rewritten: string[] = [];
    const text = (await readFile(PROSODY_CFG, "utf8")).replace(/"(\/[^"\n]*)"/g, (_, p: string) => {
      const to = join(dir, "root", p);
      rewritten.push(to);
      return JSON.stringify(to);
    });
    for (const p of rewritten) await mkdir(basename(p).includes(".") ? dirname(p) : p, { recursive: true });
    await mkdir(join(dir, "certs")); // `certificates = "certs"`: relative to the config file
    cfgFile = join(dir, "prosody.cfg.lua");
    await writeFile(cfgFile, text);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("uses no absolute path outside the volumes compose.yaml mounts", () => {
    const text = readFileSync(PROSODY_CFG, "utf8").replace(/--.*$/gm, "");
    const paths = [...text.matchAll(/"(\/[^"\n]*)"/g)].map((m) => m[1]!);
    for (const p of paths) expect(p).toMatch(/^\/(var\/lib\/prosody|run\/prosody|etc\/prosody)(\/|$)/);
  });

  const withProsody = PROSODYCTL ? it : it.skip;
  withProsody.each<[string, Record<string, string>]>([
    ["with the built-in defaults", {}],
    ["with HERALD_DOMAIN and HERALD_PUBSUB_ADMINS set", { HERALD_DOMAIN: "herald.test", HERALD_PUBSUB_ADMINS: "agent1@herald.test agent2@herald.test" }],
  ])("passes `prosodyctl check config` %s", (_name, vars) => {
    // --root: as uid 0, prosodyctl would otherwise switch to the prosody user, who cannot read
    // our private temporary directory. As any other user the flag changes nothing.
    const r = run(PROSODYCTL!, ["--root", "--config", cfgFile, "check", "config"], { env: prosodyEnv(vars), cwd: dir });
    const out = `${r.stdout}${r.stderr}`;
    expect({ status: r.status, out }).toEqual({ status: 0, out: expect.stringContaining("All checks passed") });
    expect(out).not.toMatch(/error|problem|warning|deprecated|obsolete|should be in the global section/i);
  });

  const withLua = PROSODYCTL && !("reason" in LUA) ? it : it.skip;
  const parse = (file: string, vars: Record<string, string>): Record<string, Obj> => {
    if ("reason" in LUA) throw new Error(LUA.reason);
    const script = join(dir, "dump.lua");
    writeFileSync(script, DUMP_LUA);
    const r = run(LUA.lua, [script, file, LUA.sourceDir], { env: prosodyEnv(vars), cwd: dir });
    if (r.status !== 0) throw new Error(`${LUA.lua} ${script} ${file}: ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout) as Record<string, Obj>;
  };

  withLua("sets what Herald relies on, as Prosody itself reads it", () => {
    const cfg = parse(cfgFile, { HERALD_DOMAIN: "herald.test", HERALD_PUBSUB_ADMINS: "agent1@herald.test  agent2@herald.test" });
    const global = obj(cfg["*"], "global section");
    expect(global).toMatchObject({
      c2s_require_encryption: true,
      allow_unencrypted_plain_auth: false,
      allow_registration: false,
      storage: "internal",
      c2s_ports: [5222],
    });
    expect(global.modules_enabled).toEqual(expect.arrayContaining(["tls", "saslauth", "disco"]));
    expect(global.modules_enabled).not.toEqual(expect.arrayContaining(["register"]));
    expect(global.modules_disabled).toEqual(expect.arrayContaining(["s2s"])); // no federation by default
    expect(Object.keys(cfg).sort()).toEqual(["*", "herald.test", "pubsub.herald.test"]);
    const pubsub = obj(cfg["pubsub.herald.test"], "pubsub component");
    expect(pubsub).toMatchObject({
      component_module: "pubsub",
      admins: ["agent1@herald.test", "agent2@herald.test"], // the agents may create nodes
      expose_publisher: true, // items carry the server-set publisher JID the agent checks
    });
    // The agent asks for this many items per node; Prosody refuses a node config above the cap.
    expect(pubsub.pubsub_max_items).toBeGreaterThanOrEqual(ANNOUNCE_NODE_CONFIG["pubsub#max_items"]);
  });

  withLua("defaults to example.org and its agent1/agent2 accounts, as compose.yaml does", () => {
    const cfg = parse(cfgFile, {});
    expect(Object.keys(cfg).sort()).toEqual(["*", "example.org", "pubsub.example.org"]);
    expect(obj(cfg["pubsub.example.org"], "pubsub component").admins).toEqual(["agent1@example.org", "agent2@example.org"]);
  });

  withLua("sets every pubsub option the test server (@herald/testkit) sets, to the same effect", async () => {
    const kitDir = join(dir, "testkit");
    await mkdir(kitDir, { recursive: true });
    const kitFile = join(kitDir, "prosody.cfg.lua");
    await writeFile(kitFile, prosodyConfig({ dir: kitDir, port: 5222, domain: "herald.test", pubsubAdmins: ["agent1@herald.test"], tls: true, runAsRoot: false }));
    const kit = obj(parse(kitFile, {})["pubsub.herald.test"], "testkit pubsub component");
    const ours = obj(parse(cfgFile, { HERALD_DOMAIN: "herald.test" })["pubsub.herald.test"], "pubsub component");
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(Object.keys(kit)));
    expect(ours.expose_publisher).toBe(kit.expose_publisher);
    expect(ours.component_module).toBe(kit.component_module);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) compose.yaml and ejabberd.yml
// ---------------------------------------------------------------------------------------------

/** `${NAME:-default}` → default; a plain value → itself. */
function composeDefault(v: Json | undefined): string | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(v);
  return m ? m[1] : v;
}

/** Container ports of a service's `ports` (short "host:container[/proto]" or long syntax). */
function containerPorts(service: Obj): number[] {
  return list(service.ports).map((p) => {
    if (typeof p === "object" && p !== null && !Array.isArray(p)) return Number(p.target);
    return Number(String(p).split("/")[0]!.split(":").pop());
  });
}

/** `volumes` entries as [source, target]; long syntax too. */
function mounts(service: Obj): Array<[string, string]> {
  return list(service.volumes).map((v): [string, string] => {
    if (typeof v === "string") {
      // SOURCE:TARGET[:MODE], where SOURCE may be a ${VAR:-default} with colons of its own
      const m = /^((?:\$\{[^}]*\}|[^:])+):([^:]+)(?::[a-z,]+)?$/.exec(v);
      return m ? [m[1]!, m[2]!] : [v, ""];
    }
    const o = obj(v, "volume");
    return [String(o.source ?? ""), String(o.target ?? "")];
  });
}

describe("docker/compose.yaml", () => {
  let compose: Obj;
  let services: Obj;
  beforeAll(() => {
    if (YAML) console.log(`docker-config: YAML parsed with ${YAML.name}`);
    compose = loadYaml(join(DOCKER, "compose.yaml"));
    services = obj(compose.services, "services");
  });
  const svc = (name: string) => obj(services[name], `services.${name}`);

  it("has prosody and the agent always, ejabberd as a profile", () => {
    expect(Object.keys(services).sort()).toEqual(["agent", "ejabberd", "prosody"]);
    expect(svc("prosody").profiles).toBeUndefined();
    expect(svc("agent").profiles).toBeUndefined();
    expect(svc("ejabberd").profiles).toEqual(["ejabberd"]);
  });

  it("publishes 5222 for clients, and neither 5269 (federation is off) nor anything from the agent", () => {
    expect(containerPorts(svc("prosody"))).toEqual([5222]);
    expect(containerPorts(svc("ejabberd"))).toEqual([5222]);
    expect(containerPorts(svc("agent"))).toEqual([]);
    // Quoted, so that no YAML 1.1 parser reads 5222:5222 as a base-60 number.
    for (const name of ["prosody", "ejabberd"]) for (const p of list(svc(name).ports)) expect(typeof p).toBe("string");
  });

  it("mounts the server configs from docker/ and keeps server data on named volumes", () => {
    const declared = Object.keys(obj(compose.volumes, "volumes"));
    const check = (name: string, config: [string, string], dataDir: string) => {
      const m = mounts(svc(name));
      expect(m).toContainEqual(config);
      expect(existsSync(resolve(DOCKER, config[0]))).toBe(true);
      const data = m.find(([, target]) => target === dataDir);
      expect(data).toBeDefined();
      expect(declared).toContain(data![0]);
      for (const [source] of m) if (!/^[./$]/.test(source)) expect(declared).toContain(source);
    };
    check("prosody", ["./prosody/prosody.cfg.lua", "/etc/prosody/prosody.cfg.lua"], "/var/lib/prosody");
    check("ejabberd", ["./ejabberd/ejabberd.yml", "/opt/ejabberd/conf/ejabberd.yml"], "/opt/ejabberd/database");
    expect(mounts(svc("prosody")).map(([, t]) => t)).toContain("/etc/prosody/certs");
  });

  it("builds the agent from the repository with docker/agent/Dockerfile and mounts the clone at /repo", () => {
    const build = obj(svc("agent").build, "agent.build");
    expect(resolve(DOCKER, String(build.context))).toBe(resolve(ROOT));
    expect(build.dockerfile).toBe("docker/agent/Dockerfile");
    expect(existsSync(join(ROOT, String(build.dockerfile)))).toBe(true);
    expect(mounts(svc("agent")).map(([, target]) => target)).toContain("/repo");
    const prosodyBuild = obj(svc("prosody").build, "prosody.build");
    expect(existsSync(join(resolve(DOCKER, String(prosodyBuild.context)), "Dockerfile"))).toBe(true);
  });

  it("hands the agent its settings as HERALD_* variables and its password only as a secret file", () => {
    const env = obj(svc("agent").environment, "agent.environment");
    expect(Object.keys(env)).toEqual(expect.arrayContaining(["HERALD_JID", "HERALD_SERVICE", "HERALD_PUBSUB", "HERALD_PEERS", "HERALD_ADMINS"]));
    expect(svc("agent").secrets).toEqual(["herald_password"]);
    const secret = obj(obj(compose.secrets, "secrets").herald_password, "secrets.herald_password");
    expect(Object.keys(secret)).toEqual(["file"]); // a file, not `environment:`
    const file = composeDefault(secret.file)!;
    expect(file).toMatch(/^\.\/secrets\//);
    // That file can never be committed.
    expect(run("git", ["-C", ROOT, "check-ignore", "-q", join("docker", file)]).status).toBe(0);
    for (const [name, s] of Object.entries(services)) {
      const vars = obj(s, name).environment;
      const keys = Array.isArray(vars) ? vars.map((v) => String(v).split("=")[0]!) : Object.keys(obj(vars ?? {}, `${name}.environment`));
      for (const k of keys) expect(k).not.toMatch(/pass|secret|token|cookie/i);
    }
  });

  it("has defaults that fit together: the agent's account administers the pubsub service it talks to", () => {
    const penv = obj(svc("prosody").environment, "prosody.environment");
    const aenv = obj(svc("agent").environment, "agent.environment");
    const domain = composeDefault(penv.HERALD_DOMAIN)!;
    const admins = composeDefault(penv.HERALD_PUBSUB_ADMINS)!.split(/\s+/);
    const jid = composeDefault(aenv.HERALD_JID)!;
    expect(admins).toContain(jid);
    expect(jid.endsWith(`@${domain}`)).toBe(true);
    const service = new URL(composeDefault(aenv.HERALD_SERVICE)!);
    expect(service.protocol).toBe("xmpp:");
    expect(Object.keys(services)).toContain(service.hostname);
    expect(Number(service.port)).toBe(5222);
  });
});

describe("docker/ejabberd/ejabberd.yml", () => {
  let cfg: Obj;
  beforeAll(() => {
    cfg = loadYaml(join(DOCKER, "ejabberd", "ejabberd.yml"));
  });

  it("serves a domain over STARTTLS-only client connections, without federation", () => {
    expect(list(cfg.hosts).length).toBeGreaterThan(0);
    const listeners = list(cfg.listen).map((l) => obj(l, "listener"));
    const c2s = listeners.filter((l) => l.module === "ejabberd_c2s");
    expect(c2s.map((l) => l.port)).toEqual([5222]);
    expect(c2s[0]!.starttls_required).toBe(true);
    expect(listeners.map((l) => l.module)).not.toContain("ejabberd_s2s_in");
    expect(cfg.s2s_access).toBe("none");
    expect(list(cfg.certfiles).length).toBeGreaterThan(0);
    expect(cfg.auth_password_format).toBe("scram");
    expect(obj(cfg.modules, "modules").mod_register).toBeUndefined(); // no in-band registration
  });

  it("runs mod_pubsub on pubsub.<host>, where only the agent accounts may create nodes", () => {
    const pubsub = obj(obj(cfg.modules, "modules").mod_pubsub, "mod_pubsub");
    const hosts = [...list(pubsub.hosts), ...(pubsub.host === undefined ? [] : [pubsub.host])].map(String);
    expect(hosts).toContainEqual(expect.stringMatching(/^pubsub\./));
    const rule = obj(obj(cfg.access_rules, "access_rules")[String(pubsub.access_createnode)], `access rule ${String(pubsub.access_createnode)}`);
    const allowed = String(rule.allow);
    expect(allowed).not.toMatch(/^(all|local)$/);
    const agents = list(obj(obj(cfg.acl, "acl")[allowed], `acl ${allowed}`).user).map(String);
    expect(agents.length).toBeGreaterThan(0);
    const domain = String(list(cfg.hosts)[0]);
    for (const jid of agents) expect(jid).toMatch(new RegExp(`^[^@]+@${domain.replace(/\./g, "\\.")}$`));
  });

  it("puts the publisher on items (itemreply=publisher) and allows the agent's node size", () => {
    const pubsub = obj(obj(cfg.modules, "modules").mod_pubsub, "mod_pubsub");
    const defaults = obj(pubsub.default_node_config, "default_node_config");
    expect(defaults.itemreply).toBe(ANNOUNCE_NODE_CONFIG["pubsub#itemreply"]);
    expect(defaults.persist_items).toBe(true);
    expect(Number(pubsub.max_items_node)).toBeGreaterThanOrEqual(ANNOUNCE_NODE_CONFIG["pubsub#max_items"]);
  });
});

describe("no password in docker/", () => {
  it("has no password, secret or cookie written as a value in any file", () => {
    const r = run("git", ["-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "--", "docker"]);
    expect(r.status).toBe(0);
    const files = r.stdout.split("\n").filter(Boolean);
    expect(files).toContain("docker/compose.yaml");
    // key: value, key=value or ${KEY:-value} where the value is a literal: not ${VAR}, $(cmd),
    // a secrets path, or the message of a ${KEY:?message}
    const literal = /(pass(?:word|wd)?|pwd|secret|cookie|token)["']?[ \t]*[:=][ \t]*["']?(?!\$|\?|\/run\/secrets\/|\.\/secrets\/)([^\s"'#,;)]{3,})/i;
    const found: string[] = [];
    for (const f of files) {
      readFileSync(join(ROOT, f), "utf8").split("\n").forEach((line, i) => {
        if (literal.test(line) || /\bHERALD_PASSWORD\b/.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) The agent image
// ---------------------------------------------------------------------------------------------

interface Instruction { op: string; args: string }

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let cur = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, "");
    if (line.endsWith("\\")) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    cur += line;
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(cur);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim() });
    cur = "";
  }
  return out;
}

/** COPY's flags and sources (the last word is the destination). */
function copyArgs(args: string): { flags: string[]; sources: string[] } {
  const words = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith("--"));
  const rest = words.filter((w) => !w.startsWith("--"));
  return { flags, sources: rest.slice(0, -1) };
}

const globRe = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split("**").map((part) => part.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")).join(".*")}$`);

/** .dockerignore semantics: the last matching pattern decides; a matched directory covers its contents. */
function ignoredBy(patterns: string[], path: string): boolean {
  let ignored = false;
  const parts = path.split("/");
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const re = globRe((negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, ""));
    if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join("/")))) ignored = !negated;
  }
  return ignored;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "node_modules" || e.name === "dist" ? [] : filesUnder(join(dir, e.name))) : [join(dir, e.name)]);
}

describe("docker/agent/Dockerfile", () => {
  const file = join(DOCKER, "agent", "Dockerfile");
  const steps = instructions(readFileSync(file, "utf8"));
  const ignore = readFileSync(`${file}.dockerignore`, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const copies = steps.filter((s) => s.op === "COPY").map((s) => copyArgs(s.args)).filter((c) => !c.flags.some((f) => f.startsWith("--from")));
  const sources = copies.flatMap((c) => c.sources);
  const runs = steps.filter((s) => s.op === "RUN").map((s) => s.args);

  it("starts from node:20-bookworm-slim only", () => {
    const stages = new Set<string>();
    for (const s of steps.filter((x) => x.op === "FROM")) {
      const [image, as, name] = s.args.split(/\s+/);
      expect(stages.has(image!) || image === "node:20-bookworm-slim").toBe(true);
      if (as?.toUpperCase() === "AS" && name) stages.add(name);
    }
  });

  it("COPYs only paths that exist in the repository, and none the build context filter drops", () => {
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(src).not.toMatch(/^(\/|\.\.|https?:)/);
      const full = join(ROOT, src);
      if (/[*?[]/.test(src)) {
        const re = globRe(basename(src));
        expect(readdirSync(dirname(full)).filter((n) => re.test(n)).length).toBeGreaterThan(0);
        continue;
      }
      expect({ src, exists: existsSync(full) }).toEqual({ src, exists: true });
      const files = statSync(full).isDirectory() ? filesUnder(full) : [full];
      for (const f of files) expect({ file: relative(ROOT, f), ignored: ignoredBy(ignore, relative(ROOT, f)) }).toEqual({ file: relative(ROOT, f), ignored: false });
    }
    expect(ignoredBy(ignore, "packages/cli/node_modules/yargs/index.js")).toBe(true);
    expect(ignoredBy(ignore, "packages/agent/dist/index.js")).toBe(true);
  });

  it("copies every workspace's manifest before `npm ci`, and its sources before `tsc -b`", () => {
    const workspaces = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
    const at = (pred: (s: Instruction) => boolean) => steps.findIndex(pred);
    const npmCi = at((s) => s.op === "RUN" && /\bnpm ci\b/.test(s.args));
    const tsc = at((s) => s.op === "RUN" && /\btsc -b\b/.test(s.args));
    expect(npmCi).toBeGreaterThan(0);
    expect(tsc).toBeGreaterThan(npmCi);
    const copiedBefore = (limit: number) => steps.slice(0, limit).filter((s) => s.op === "COPY").flatMap((s) => copyArgs(s.args).sources);
    expect(copiedBefore(npmCi)).toEqual(expect.arrayContaining(["package.json", "package-lock.json", ...workspaces.map((w) => `${w}/package.json`)]));
    expect(copiedBefore(tsc)).toEqual(expect.arrayContaining(["tsconfig.json", "tsconfig.base.json", ...workspaces.flatMap((w) => [`${w}/tsconfig.json`, `${w}/src`])]));
  });

  it("installs with `npm ci` and fetches nothing from anywhere else", () => {
    expect(steps.map((s) => s.op)).not.toContain("ADD");
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    for (const r of runs) {
      expect(r).not.toMatch(/\b(curl|wget)\b|https?:\/\/|git\s+clone|\bnpm\s+(install|i|add)\b|\byarn\b|\bpnpm\b/);
      for (const m of r.matchAll(/\bnpx\b([^&;|]*)/g)) expect(m[1]).toMatch(/--no-install/); // only what npm ci installed
    }
    expect(runs.some((r) => /apt-get install[^&]*\bgit\b/.test(r))).toBe(true);
  });

  it("enters through entrypoint.sh, which runs the bundled `herald daemon` the build stage made", async () => {
    const entry = steps.filter((s) => s.op === "ENTRYPOINT").pop();
    expect(entry?.args).toContain("herald-entrypoint");
    expect(copies.some((c) => c.sources.includes("docker/agent/entrypoint.sh"))).toBe(true);
    const script = readFileSync(join(DOCKER, "agent", "entrypoint.sh"), "utf8");
    expect(script).toMatch(/^exec node \/opt\/herald\/herald\.mjs daemon "\$@"$/m);
    // The build stage bundles into a directory after tsc -b; the runtime stage copies that to /opt/herald.
    expect(runs.find((r) => /\btsc -b\b/.test(r))).toMatch(/\btsc -b\b[\s\S]*\bnode scripts\/pack\/bundle\.mjs \/app\/bundle$/);
    const runtime = steps.slice(steps.map((s) => s.op).lastIndexOf("FROM"));
    expect(runtime.filter((s) => s.op === "COPY" && s.args.startsWith("--from=build")).map((s) => s.args)).toEqual(["--from=build /app/bundle /opt/herald"]);
    expect(runtime.some((s) => s.op === "ENV" && /\bXDG_CONFIG_HOME=\/\S+/.test(s.args))).toBe(true);
    // What that RUN makes: herald.mjs, which runs without this repository's node_modules.
    const out = join(await mkdtemp(join(tmpdir(), "herald-docker-bundle-")), "bundle");
    try {
      const b = run(process.execPath, [join(ROOT, "scripts/pack/bundle.mjs"), out], { env: { ...process.env, HERALD_COMMIT: "abc1234" } });
      expect({ status: b.status, stderr: b.stderr }).toEqual({ status: 0, stderr: "" });
      const v = run(process.execPath, [join(out, "herald.mjs"), "--version"], { cwd: tmpdir() });
      expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+ \(abc1234\)$/);
    } finally {
      await rm(dirname(out), { recursive: true, force: true });
    }
  });
});
