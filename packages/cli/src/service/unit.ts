// Pure: the systemd user unit that runs `herald daemon`, where it lives, and what
// `systemctl --user show` says about it. systemd.service(5), systemd.unit(5), systemd.syntax(7).
import { dirname, join } from "node:path";
import { configDir, type Env } from "@herald/agent/paths";

export const UNIT_NAME = "herald.service";

/** `$XDG_CONFIG_HOME/systemd/user/herald.service` (default ~/.config/...): where systemd --user looks. */
export function unitFile(env: Env = process.env): string {
  // configDir is the same XDG base with "herald" appended (and the same rules for a bad value).
  return join(dirname(configDir(env)), "systemd", "user", UNIT_NAME);
}

/**
 * One ExecStart word. systemd expands `%` specifiers and `$VAR` even in absolute paths, and
 * splits on spaces unless quoted, so a path is written so that it comes through unchanged.
 */
export function execWord(word: string): string {
  const escaped = word.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export interface UnitSpec {
  /** Absolute path of the node binary (the one running herald now). */
  node: string;
  /** Absolute path of the herald script. */
  script: string;
}

export function renderUnit({ node, script }: UnitSpec): string {
  return `# Written by \`herald service install\`; \`herald service uninstall\` removes it.
[Unit]
Description=Herald: keeps git clones in sync (herald daemon, one per user)

[Service]
Type=exec
# Absolute paths: a user manager's PATH need not hold the node this was installed with.
ExecStart=${[node, script, "daemon"].map(execWord).join(" ")}
Restart=on-failure
RestartSec=5s
# Exit 2 is bad usage or bad settings (herald's exit codes): retrying will not fix it.
RestartPreventExitStatus=2

[Install]
# Started with the user's session, at login (or at boot with loginctl enable-linger).
WantedBy=default.target
`;
}

export interface UnitState { enabled: string; active: string; pid: number }

/** `systemctl --user show herald.service -p UnitFileState -p ActiveState -p SubState -p MainPID`. */
export function parseShow(text: string): UnitState {
  const v = Object.fromEntries(text.split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]).filter(([k]) => k));
  const active = v.SubState && v.ActiveState !== v.SubState ? `${v.ActiveState ?? "unknown"} (${v.SubState})` : v.ActiveState ?? "unknown";
  return { enabled: v.UnitFileState || "not loaded", active, pid: Number(v.MainPID ?? 0) || 0 };
}
