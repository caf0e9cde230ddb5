// A real OpenSSH server per test run, on a loopback port, for ssh:// remotes (and a link simulator
// in front of it). Everything is made per run in one temp dir: host key, client key pair, sshd's
// config, a known_hosts for the client.
//
// Who logs in: the current user, to an sshd run as the current user. sshd run by anyone but root
// can only let its own user in, and that needs no global state: no system user to create, no root
// (a developer's machine), nothing left behind. The far side's commands (git-upload-pack,
// git-receive-pack, git-annex-shell) run through that user's login shell, but with HOME set to an
// empty directory of this run (sshd's SetEnv), so no shell start-up file is read: Debian's bash
// sources ~/.bashrc for every `bash -c` sshd starts, and root's here (pyenv) cost ~1 s per session.
// What remains is the shell itself, a few ms.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, chmod, mkdir } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.js";

const execFileP = promisify(execFile);

/** sshd insists on being started by its absolute path (it re-executes itself), and /usr/sbin is
 * often not on a non-root PATH, so it is looked for there rather than on PATH. */
export const SSHD = "/usr/sbin/sshd";

export function sshdInstalled(): boolean {
  return existsSync(SSHD);
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  /** The client's private key (authorized by this sshd, and by nothing else). */
  keyFile: string;
  /** A known_hosts file naming this sshd's host key under HOST_KEY_ALIAS. */
  knownHostsFile: string;
  /** A GIT_SSH_COMMAND / core.sshCommand: this key only, this known_hosts only, no config file,
   * and the host key looked up by its alias, so it is the same through any port (a proxy's). */
  sshCommand: string;
  /** sshd's log (LogLevel VERBOSE: one "Connection from" line per accepted TCP connection). */
  logFile: string;
  /** `ssh://user@127.0.0.1:PORT/abs/path` (port: another one, e.g. a proxy in front of this sshd). */
  url(path: string, port?: number): string;
  /** Accepted TCP connections so far (counted in the log). */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/** The name the test sshd's host key goes by in known_hosts, whichever port reaches it. */
export const HOST_KEY_ALIAS = "herald-test-sshd";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function startSshd(): Promise<Sshd> {
  if (!sshdInstalled()) throw new Error(`${SSHD} not found: apt-get install openssh-server`);
  const dir = await mkdtemp(join(tmpdir(), "herald-sshd-"));
  const hostKey = join(dir, "host_ed25519"), keyFile = join(dir, "client_ed25519");
  await Promise.all([
    execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "herald-test-host", "-f", hostKey]),
    execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "herald-test-client", "-f", keyFile]),
  ]);
  const authorized = join(dir, "authorized_keys");
  await writeFile(authorized, await readFile(`${keyFile}.pub`));
  await chmod(authorized, 0o600);
  const hostPub = (await readFile(`${hostKey}.pub`, "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
  const user = userInfo().username;
  // Run as root, sshd separates privileges into an empty chroot it expects to find.
  if (process.getuid?.() === 0) await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const logFile = join(dir, "sshd.log");
  const home = join(dir, "home");
  await mkdir(home);
  const knownHostsFile = join(dir, "known_hosts");

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = join(dir, "sshd_config");
    await writeFile(config, [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${user}`,
      "UsePAM no",
      // The temp dir is the test's, not a home directory: its modes are not sshd's business.
      "StrictModes no",
      "PidFile none",
      "PrintMotd no",
      "UseDNS no",
      // Tests open many connections at once (a mesh's pushes; sessions over one master).
      "MaxStartups 200",
      "MaxSessions 200",
      "LogLevel VERBOSE",
      // The empty home: bash run by sshd sources ~/.bashrc even for `bash -c git-upload-pack …`,
      // and a real one (pyenv, nvm, conda set-up) cost a second per connection here.
      `SetEnv HOME=${home}`,
      "Subsystem sftp internal-sftp",
      "",
    ].join("\n"));
    await writeFile(knownHostsFile, `${HOST_KEY_ALIAS} ${hostPub}\n`);
    const child = spawn(SSHD, ["-D", "-e", "-f", config, "-E", logFile], { stdio: ["ignore", "ignore", "pipe"] });
    const stderr: string[] = [];
    child.stderr!.on("data", (b: Buffer) => stderr.push(b.toString()));
    const up = await listening(child, logFile);
    if (!up) {
      const why = (await readFile(logFile, "utf8").catch(() => "")) + stderr.join("");
      if (attempt < 3 && /Address already in use/.test(why)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${why.trim()}`);
    }
    const sshCommand = ["ssh", "-F", "none", "-i", quote(keyFile), "-o", "IdentitiesOnly=yes", "-o", `UserKnownHostsFile=${quote(knownHostsFile)}`, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", `HostKeyAlias=${HOST_KEY_ALIAS}`].join(" ");
    return {
      host: "127.0.0.1", port, user, keyFile, knownHostsFile, sshCommand, logFile,
      url: (path, p = port) => `ssh://${user}@127.0.0.1:${p}${path}`,
      connections: async () => ((await readFile(logFile, "utf8").catch(() => "")).match(/^.*Connection from .* port \d+ on /gm) ?? []).length,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await gone;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/** Resolves true once sshd logs that it listens, false when it exits first. */
async function listening(child: ChildProcess, logFile: string): Promise<boolean> {
  const exited = new Promise<false>((r) => child.once("exit", () => r(false)));
  for (let i = 0; i < 200; i++) {
    if (/Server listening on/.test(await readFile(logFile, "utf8").catch(() => ""))) return true;
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 25))]);
    if (done === false) return false;
  }
  child.kill("SIGKILL");
  return false;
}
