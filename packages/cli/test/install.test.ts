// Installing Herald without the repository: scripts/pack.sh's tarball, installed with npm into a
// temporary prefix, must give a working `herald` that finds nothing of this repository (its
// node_modules, its sources) at run time.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const { version } = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8")) as { version: string };

// Nothing that could lead Node back to this repository's modules, or change how it runs.
const { NODE_PATH: _p, NODE_OPTIONS: _o, ...cleanEnv } = process.env;

describe("the installable package (scripts/pack.sh)", () => {
  let dir: string, prefix: string, bin: string, tarball: string, env: NodeJS.ProcessEnv;
  const run = (cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
    spawnSync(cmd, args, { cwd: dir, env: { ...env, ...extra }, encoding: "utf8", timeout: 60_000 });

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "herald-install-")));
    prefix = join(dir, "prefix");
    env = { ...cleanEnv, XDG_CONFIG_HOME: join(dir, "config"), XDG_RUNTIME_DIR: join(dir, "run"), XDG_STATE_HOME: join(dir, "state") };
    await mkdir(join(dir, "run"), { mode: 0o700 });
    const pack = run("bash", [join(ROOT, "scripts/pack.sh")]);
    expect({ status: pack.status, stderr: pack.status === 0 ? "" : pack.stderr }).toEqual({ status: 0, stderr: "" });
    tarball = pack.stdout.trim().split("\n").pop()!;
    expect(tarball).toBe(join(ROOT, "pack", `herald-${version}.tgz`));
    // --offline: the package has no dependencies, so npm must not need the registry.
    const install = run("npm", ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball]);
    expect({ status: install.status, stderr: install.status === 0 ? "" : install.stderr }).toEqual({ status: 0, stderr: "" });
    bin = join(prefix, "bin", "herald");
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("installs one program file, the dashboard's page and no dependencies under the prefix", async () => {
    const installed = join(prefix, "lib", "node_modules", "herald");
    expect(await realpath(bin)).toBe(join(installed, "herald.mjs"));
    expect(readdirSync(installed).sort()).toEqual(["README.md", "herald.mjs", "man", "package.json", "web"]);
    const pkg = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: "herald", version, bin: { herald: "herald.mjs" }, engines: { node: ">=20.19" }, dependencies: {} });
    // Module resolution from there walks up through the prefix and the temp dir only.
    for (let d = installed; d !== "/"; d = join(d, "..")) expect(existsSync(join(d, "..", "node_modules", "yargs"))).toBe(false);
  });

  it("ships herald(1), generated from the CLI, and installs it where man finds it", async () => {
    const listing = run("tar", ["-tzf", tarball]).stdout.split("\n");
    expect(listing).toContain("package/man/herald.1");
    const installed = join(prefix, "lib", "node_modules", "herald");
    const pkg = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as { man?: string[] };
    expect(pkg.man).toEqual(["./man/herald.1"]);
    // npm links a global package's man pages into PREFIX/share/man/man1.
    const page = await readFile(join(prefix, "share", "man", "man1", "herald.1"), "utf8");
    expect(page).toBe(await readFile(join(ROOT, "packages/cli/man/herald.1"), "utf8"));
    expect(page).toMatch(/^\.TH HERALD 1 /m);
    expect(page).toContain('.SS "herald init"');
  });

  it("says its version and the commit it was built from", () => {
    const head = spawnSync("git", ["-C", ROOT, "rev-parse", "--short=7", "HEAD"], { encoding: "utf8" }).stdout.trim();
    const r = run(bin, ["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${version.replace(/\./g, "\\.")} \\(${head}(-dirty)?\\)$`));
  });

  it("runs init --machine --dry-run and daemon --help", async () => {
    const pw = join(dir, "pw");
    await writeFile(pw, "secret\n", { mode: 0o600 });
    const init = run(bin, ["init", "--dry-run", "--machine", "--jid", "a@example.org", "--password-file", pw, "--no-check"]);
    expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: "" });
    expect(init.stdout).toContain(`git config -f ${join(dir, "config", "herald", "config")} herald.jid a@example.org`);
    const help = run(bin, ["daemon", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Examples:$/m);
  });

  it("runs the doctor and the daemon: serves a clone and the dashboard, reports it, stops", async () => {
    const clone = join(dir, "clone");
    expect(run("git", ["init", "-q", clone]).status).toBe(0);
    expect(run("git", ["-C", clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "first"]).status).toBe(0);
    expect(run(bin, ["add", clone]).status).toBe(0);
    // The doctor, from the prefix, on the list (outside a clone): git only, so nothing to fail.
    const doctor = run(bin, ["doctor"]);
    expect({ status: doctor.status, stderr: doctor.stderr }).toEqual({ status: 0, stderr: "" });
    expect(doctor.stdout).toMatch(/^ok {3}git: 2\.\d+/m);
    expect(doctor.stdout).toContain(`ok   ${clone} settings: `);
    expect(run("git", ["config", "-f", join(dir, "config", "herald", "config"), "herald.webPort", "0"]).status).toBe(0);
    const start = run(bin, ["daemon", "--detach"]);
    expect({ status: start.status, stderr: start.stderr }).toEqual({ status: 0, stderr: "" });
    try {
      const status = run(bin, ["status"]);
      expect(status.stdout).toMatch(/^daemon \(pid \d+\): 1 repository$/m);
      expect(status.stdout).toContain(`${clone}: `);
      // The dashboard's page and its layout library come from the package (no node_modules here).
      const link = run(bin, ["open", "--no-browser"]).stdout.trim();
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=/);
      const login = await fetch(link, { redirect: "manual" });
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
      const origin = new URL(link).origin;
      for (const [path, expected] of [["/", "<html"], ["/assets/cytoscape.js", "cytoscape"], ["/assets/app.js", "import"]] as const) {
        const res = await fetch(`${origin}${path}`, { headers: { cookie } });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(await res.text()).toContain(expected);
      }
    } finally {
      expect(run(bin, ["stop"]).stdout).toMatch(/^stopped daemon \d+$/m);
    }
  });
});
