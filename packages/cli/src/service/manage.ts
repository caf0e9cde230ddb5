// `herald service install|uninstall|status`: writes or removes the unit file, and asks the user's
// systemd (systemctl --user) to load, enable and start it, or to stop and disable it. Where no user
// systemd answers (a container, an ssh session without a login manager, su), the file is still
// written and the exact commands to run later are printed instead.
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";
import { runtimeDir } from "@herald/agent/paths";
import { CliError } from "../cli-error.js";
import { parseShow, renderUnit, UNIT_NAME, unitFile, type UnitSpec } from "./unit.js";

interface Run { status: number; stdout: string; stderr: string }
const say = (line: string) => process.stdout.write(`${line}\n`);

/** systemctl --user ARGS; a missing systemctl is status 127, like a shell would report. */
function systemctl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("systemctl", ["--user", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", (e) => resolve({ status: 127, stdout: "", stderr: `cannot run systemctl: ${e.message}` }));
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const lastLine = (r: Run) => r.stderr.trim().split("\n").pop() ?? "";

async function ok(...args: string[]): Promise<void> {
  const r = await systemctl(...args);
  if (r.status !== 0) throw new CliError(`systemctl --user ${args.join(" ")} failed (exit ${r.status}): ${lastLine(r)}`, "SYSTEMD");
}

/** Null when the user's systemd answers; else what stood in the way. */
async function unreachable(): Promise<string | null> {
  const r = await systemctl("show-environment");
  return r.status === 0 ? null : lastLine(r) || `exit ${r.status}`;
}

/** A daemon started by hand (herald daemon --detach): systemd's would stop at its pid file. */
async function handStartedDaemon(): Promise<number> {
  const pid = Number((await readFile(join(runtimeDir(), "daemon.pid"), "utf8").catch(() => "")).trim());
  if (!(pid > 0 && alive(pid))) return 0;
  const show = parseShow((await systemctl("show", UNIT_NAME, "-p", "MainPID")).stdout);
  return show.pid === pid ? 0 : pid;
}

const START = [`systemctl --user daemon-reload`, `systemctl --user enable --now ${UNIT_NAME}`];
const lingerHint = () => `on a server where nobody stays logged in, let it start at boot and outlive logouts: loginctl enable-linger ${userInfo().username}`;

export async function install(spec: UnitSpec, start: boolean): Promise<void> {
  const file = unitFile();
  const unit = renderUnit(spec);
  const before = await readFile(file, "utf8").catch(() => null);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, unit);
  say(before === unit ? `${file} is up to date` : `wrote ${file}`);
  const why = start ? await unreachable() : "--no-start";
  if (why) {
    say(`not started (${why}); to start it now and at every login, run:`);
    for (const c of START) say(`  ${c}`);
  } else {
    await ok("daemon-reload");
    const byHand = await handStartedDaemon();
    if (byHand) {
      await ok("enable", UNIT_NAME);
      say(`enabled (it starts at your next login); a daemon started by hand is running now (pid ${byHand}): herald stop, then systemctl --user start ${UNIT_NAME}`);
    } else {
      await ok("enable", "--now", UNIT_NAME);
      // enable --now leaves a running service alone; a changed unit must be restarted to apply.
      if (before !== null && before !== unit) await ok("restart", UNIT_NAME);
      say(`${UNIT_NAME} is enabled and running: the daemon starts at every login (herald service status)`);
    }
  }
  say(lingerHint());
}

export async function uninstall(): Promise<void> {
  const file = unitFile();
  const present = await readFile(file, "utf8").then(() => true, () => false);
  const why = await unreachable();
  if (!why && present) await ok("disable", "--now", UNIT_NAME);
  // enable's link, in case enable was run by hand where we could not reach systemd now.
  await rm(join(dirname(file), "default.target.wants", UNIT_NAME), { force: true });
  await rm(file, { force: true });
  if (!why && present) await ok("daemon-reload");
  if (!present) say(`${UNIT_NAME} is not installed (no ${file}); nothing to remove`);
  else say(why ? `removed ${file} (systemd not reachable: ${why}; nothing was stopped)` : `stopped, disabled and removed ${file}`);
}

/** Exit 1 unless the unit is installed, enabled and active (the daemon runs under systemd). */
export async function status(): Promise<void> {
  const file = unitFile();
  const unit = await readFile(file, "utf8").catch(() => null);
  if (unit === null) throw new CliError(`${UNIT_NAME} is not installed (no ${file}); herald service install writes it`, "NOT_INSTALLED");
  say(`unit: ${file}`);
  say(`runs: ${/^ExecStart=(.*)$/m.exec(unit)?.[1] ?? "(no ExecStart line)"}`);
  const why = await unreachable();
  if (why) {
    say(`enabled, active: unknown (systemd not reachable: ${why})`);
    process.exitCode = 1;
    return;
  }
  const s = parseShow((await systemctl("show", UNIT_NAME, "-p", "UnitFileState", "-p", "ActiveState", "-p", "SubState", "-p", "MainPID")).stdout);
  say(`enabled: ${s.enabled}`);
  say(`active: ${s.active}${s.pid ? `, pid ${s.pid}` : ""}`);
  if (s.enabled !== "enabled" || !s.active.startsWith("active")) process.exitCode = 1;
}
