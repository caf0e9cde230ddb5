// Where the per-user daemon keeps things (XDG base directories, interfaces.md): the repository
// list and machine settings under $XDG_CONFIG_HOME/herald, the control socket under
// $XDG_RUNTIME_DIR/herald. Pure functions of an environment so tests never read the real one.
import { chmod, lstat, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { HeraldError } from "../errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CONFIG_HOME/herald`, else `~/.config/herald`. */
export function configDir(env: Env = process.env): string {
  // The XDG spec says a relative (or empty) value is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && xdg.startsWith("/")) return join(xdg, "herald");
  return join(env.HOME || homedir(), ".config", "herald");
}

export const reposFile = (env: Env = process.env): string => join(configDir(env), "repos");
export const machineConfigFile = (env: Env = process.env): string => join(configDir(env), "config");

/** The daemon's JSON log: `$XDG_STATE_HOME/herald/daemon.log`, else `~/.local/state/herald/daemon.log`. */
export function daemonLogFile(env: Env = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && xdg.startsWith("/") ? join(xdg, "herald") : join(env.HOME || homedir(), ".local", "state", "herald"), "daemon.log");
}

/**
 * `$XDG_RUNTIME_DIR/herald`; without one (a cron job, an ssh session without systemd) a per-uid
 * directory in /tmp, which ensurePrivateDir checks is really ours.
 */
export function runtimeDir(env: Env = process.env, uid: number = process.getuid?.() ?? 0): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && xdg.startsWith("/")) return join(xdg, "herald");
  return `/tmp/herald-${uid}`;
}

export const controlSocketPath = (env: Env = process.env, uid: number = process.getuid?.() ?? 0): string =>
  join(runtimeDir(env, uid), "control.sock");

/**
 * mkdir -p, then mode 0700. In a shared /tmp another user can create /tmp/herald-<uid> first and
 * wait for our socket to appear in it; so a directory that is not ours (or is a symlink, which
 * could point anywhere) is refused rather than used.
 */
export async function ensurePrivateDir(dir: string, uid: number = process.getuid?.() ?? 0): Promise<void> {
  // EEXIST: a file is in the way; lstat below names the problem.
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== "EEXIST") throw e; });
  const st = await lstat(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new HeraldError("UNSAFE_DIR", `${dir} is not a directory (a symlink or file is in its place); remove it and try again`, { dir });
  }
  if (st.uid !== uid) {
    throw new HeraldError("UNSAFE_DIR", `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}); refusing to use it`, { dir, owner: st.uid });
  }
  await chmod(dir, 0o700);
}
