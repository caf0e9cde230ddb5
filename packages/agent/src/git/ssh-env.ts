// How every ssh Herald starts (git push, fetch and ls-remote, git-annex) is told never to prompt,
// never to hang, and to reuse one connection per host. Pure: the I/O (the ControlPath's directory)
// is ssh-control.ts.
//
// git picks its ssh as GIT_SSH_COMMAND, else core.sshCommand, else GIT_SSH, else `ssh`; git-annex
// follows the first two. Herald hands its options over as GIT_SSH_COMMAND and so must build on
// the one git would have used, never replace it:
// - none set: `ssh` with Herald's options;
// - the user's command line is ssh itself (`ssh -i key`, `/usr/bin/ssh -F cfg`): Herald's options
//   are appended after the user's. ssh keeps the first value it reads for each option, so anything
//   the user wrote wins (`-o BatchMode=no`, `-o ControlMaster=no`, their own ControlPath);
// - anything else (a wrapper script, plink, GIT_SSH naming a program): Herald adds nothing, as it
//   cannot know which options that program takes. Its prompts and deadlines are the user's.
// Options given on ssh's command line override ~/.ssh/config; `herald.sshCaching=false` leaves a
// ControlMaster set up there to the user.

export interface SshEnvInput {
  /** The environment git inherits (GIT_SSH_COMMAND, GIT_SSH). */
  env: Readonly<Record<string, string | undefined>>;
  /** The clone's core.sshCommand, when set. */
  coreSshCommand?: string | undefined;
  /** Where ControlMaster sockets go (null: no connection reuse). */
  controlDir: string | null;
}

/** Never prompt, never hang: no terminal question (a host key, a passphrase) but a failure; a
 * connect that gets no answer gives up; a connection that stops answering is dropped (these last
 * two apply to sessions through a master too, which ConnectTimeout alone does not). A link that
 * went dead is given up on within 8-12 s: status names the remote within 15 s of a cut. */
export const NEVER_PROMPT_OPTIONS = ["BatchMode=yes", "ConnectTimeout=10", "ServerAliveInterval=4", "ServerAliveCountMax=2"] as const;

/** How long an idle master connection stays up after its last session. */
export const CONTROL_PERSIST_S = 60;

/** `%C`: a hash of the connection (local host, remote host, port, user): 40 hex digits, short
 * enough for a unix socket's path (about 104 bytes, ssh adds 17 for a temporary name). */
export const CONTROL_NAME = "%C";

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Whether a command line starts with ssh itself (bare or a path to it), so `-o` options fit. */
export function isPlainSsh(command: string): boolean {
  const first = command.trim().split(/\s+/)[0] ?? "";
  return /^(?:\/[^\s'"]*\/)?ssh$/.test(first);
}

/** The options Herald adds, as `-o` arguments, shell-quoted. */
export function sshOptions(controlDir: string | null): string {
  const opts: string[] = [...NEVER_PROMPT_OPTIONS];
  if (controlDir) opts.push("ControlMaster=auto", `ControlPersist=${CONTROL_PERSIST_S}`, `ControlPath=${controlDir}/${CONTROL_NAME}`);
  return opts.map((o) => `-o ${quote(o)}`).join(" ");
}

/** The GIT_SSH_COMMAND Herald sets, or null to leave git's choice alone. */
export function heraldSshCommand(i: SshEnvInput): string | null {
  const user = i.env.GIT_SSH_COMMAND || i.coreSshCommand || null;
  if (user !== null) return isPlainSsh(user) ? `${user.trim()} ${sshOptions(i.controlDir)}` : null;
  if (i.env.GIT_SSH) return null;
  return `ssh ${sshOptions(i.controlDir)}`;
}

/** What every git or git-annex command of Herald's adds to its environment: no terminal prompt
 * (https credentials too), and the ssh command above when there is one. git-annex reads
 * GIT_SSH_COMMAND only with GIT_ANNEX_USE_GIT_SSH=1 (it may put `-n` first, which ssh itself
 * takes), and never core.sshCommand: without these it ran plain ssh, the user's key and
 * known_hosts unused, and marked the remote annex-ignore after the failure. */
export function networkEnv(i: SshEnvInput): Record<string, string> {
  const ssh = heraldSshCommand(i);
  return { GIT_TERMINAL_PROMPT: "0", ...(ssh ? { GIT_SSH_COMMAND: ssh, GIT_ANNEX_USE_GIT_SSH: "1" } : {}) };
}
