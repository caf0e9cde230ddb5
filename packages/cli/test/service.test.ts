// `herald service`: the unit it writes (checked by systemd's own verifier where it is installed)
// and what it asks systemctl to do. systemctl is a stand-in first on PATH that records its
// arguments, so nothing is ever enabled on the machine running the tests.
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, herald, lines } from "./run-herald.js";

const VERIFY = "/usr/bin/systemd-analyze";

describe("herald service", () => {
  let dir: string, log: string, unit: string, env: NodeJS.ProcessEnv;
  const calls = async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean);
  const run = async (args: string[], systemd: "up" | "down", show = "") => {
    await rm(log, { force: true });
    return herald(["service", ...args], { env: { ...env, FAKE_SYSTEMD: systemd, FAKE_SHOW: show } });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-service-"));
    log = join(dir, "systemctl.log");
    unit = join(dir, "config", "systemd", "user", "herald.service");
    await mkdir(join(dir, "bin"));
    await mkdir(join(dir, "run"), { mode: 0o700 });
    await writeFile(join(dir, "bin", "systemctl"), [
      "#!/bin/sh",
      `echo "$*" >> "${log}"`,
      'if [ "$FAKE_SYSTEMD" = down ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi',
      'if [ "$2" = show ]; then printf "%s\\n" "$FAKE_SHOW"; fi',
      "exit 0",
    ].join("\n"));
    await chmod(join(dir, "bin", "systemctl"), 0o755);
    env = { PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`, XDG_CONFIG_HOME: join(dir, "config"), XDG_RUNTIME_DIR: join(dir, "run") };
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("without a user systemd: writes the unit and says what to run", async () => {
    const r = await run(["install"], "down");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(lines(r.stdout)).toEqual([
      `wrote ${unit}`,
      "not started (Failed to connect to bus: No medium found); to start it now and at every login, run:",
      "  systemctl --user daemon-reload",
      "  systemctl --user enable --now herald.service",
      expect.stringMatching(/^on a server where nobody stays logged in, .*: loginctl enable-linger \S+$/),
    ]);
    expect(await calls()).toEqual(["--user show-environment"]);
    const text = await readFile(unit, "utf8");
    expect(text.split("\n")).toEqual(expect.arrayContaining([
      `ExecStart=${process.execPath} ${realpathSync(BIN)} daemon`, "Restart=on-failure", "WantedBy=default.target",
    ]));
  });

  it("writes a unit that systemd's verifier accepts", () => {
    if (!existsSync(VERIFY)) {
      console.log(`skipped: ${VERIFY} is not installed, so the unit cannot be verified here`);
      return;
    }
    const r = spawnSync(VERIFY, ["verify", unit], { encoding: "utf8" });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  });

  it("with a user systemd: reloads, enables and starts; restarts only when the unit changed", async () => {
    const first = await run(["install"], "up");
    expect(first.code).toBe(0);
    expect(lines(first.stdout)[0]).toBe(`${unit} is up to date`);
    expect(first.stdout).toContain("herald.service is enabled and running");
    expect(await calls()).toEqual(["--user show-environment", "--user daemon-reload", "--user enable --now herald.service"]);
    await writeFile(unit, "[Service]\nExecStart=/old/node /old/herald daemon\n");
    const changed = await run(["install"], "up");
    expect(lines(changed.stdout)[0]).toBe(`wrote ${unit}`);
    expect((await calls()).slice(-2)).toEqual(["--user enable --now herald.service", "--user restart herald.service"]);
  });

  it("--no-start writes the unit and calls nothing", async () => {
    const r = await run(["install", "--no-start"], "up");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("not started (--no-start)");
    expect(await calls()).toEqual([]);
  });

  it("status: installed, enabled, active, else exit 1", async () => {
    const up = await run(["status"], "up", "UnitFileState=enabled\nActiveState=active\nSubState=running\nMainPID=4242");
    expect({ code: up.code, out: lines(up.stdout) }).toEqual({ code: 0, out: [
      `unit: ${unit}`, `runs: ${process.execPath} ${realpathSync(BIN)} daemon`, "enabled: enabled", "active: active (running), pid 4242",
    ] });
    const failed = await run(["status"], "up", "UnitFileState=enabled\nActiveState=failed\nSubState=failed\nMainPID=0");
    expect({ code: failed.code, last: lines(failed.stdout).pop() }).toEqual({ code: 1, last: "active: failed" });
  });

  it("uninstall: stops, disables and removes; then status says it is not installed", async () => {
    const r = await run(["uninstall"], "up");
    expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: `stopped, disabled and removed ${unit}\n` });
    expect(await calls()).toEqual(["--user show-environment", "--user disable --now herald.service", "--user daemon-reload"]);
    expect(existsSync(unit)).toBe(false);
    const s = await run(["status"], "up");
    expect({ code: s.code, err: lines(s.stderr) }).toEqual({ code: 1, err: [`herald: herald.service is not installed (no ${unit}); herald service install writes it`] });
  });
});
