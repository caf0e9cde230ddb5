// `herald daemon [--detach]`: one Herald per user, serving every repository on its list
// (herald add DIR), in the foreground until SIGINT or SIGTERM, or in the background.
import type { Level } from "@herald/agent";
import { controlSocketPath, daemonLogFile, ensurePrivateDir, runtimeDir } from "@herald/agent/paths";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { ANSWER_MS, open } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";

interface DaemonArgs extends GlobalArgs { quiet?: boolean; detach?: boolean }

function builder(y: Argv<GlobalArgs>): Argv<DaemonArgs> {
  return y
    .option("quiet", { type: "boolean", describe: "log only warnings and errors" })
    .option("detach", { type: "boolean", describe: "run in the background (stop with herald stop)" })
    .conflicts("verbose", "quiet")
    .example("$0 daemon --detach", "start syncing every repository on the list (herald list)")
    .example("$0 add ~/notes", "and serve one more, at once, without a restart")
    .epilog("Machine settings (account, peers, limits) come from $XDG_CONFIG_HOME/herald/config (herald init --machine);\n" +
      "a clone's own git config overrides them for that clone.");
}

/** The pid of the daemon answering on this user's control socket, or null when none answers. */
async function answeringDaemon(): Promise<number | null> {
  const c = await open(controlSocketPath()).catch(() => null);
  if (!c) return null;
  try {
    const s = (await c.request("status", {}, undefined, ANSWER_MS).catch(() => null)) as { pid?: unknown } | null;
    return typeof s?.pid === "number" ? s.pid : null;
  } finally {
    c.close();
  }
}

async function handler(args: ArgumentsCamelCase<DaemonArgs>): Promise<void> {
  const logPath = daemonLogFile();
  await mkdir(dirname(logPath), { recursive: true, mode: 0o700 });
  // background.ts brings in the logger, and the foreground the whole agent: only this command needs them.
  const { runForeground, startDetached } = await import("../background.js");
  if (args.detach) {
    // Like `systemctl start` of a running unit: nothing to do, exit 0, but say so (with the pid
    // that really serves), never "started" for a process that is about to exit.
    const running = await answeringDaemon();
    if (running !== null) {
      process.stdout.write(`a Herald daemon is already running (pid ${running}); log: ${logPath}; stop it with: herald stop\n`);
      return;
    }
    const dir = runtimeDir();
    await ensurePrivateDir(dir);
    // Ready once the socket answers with our child's pid: another daemon answering there (one
    // that won a race to start) is not ours, and our child then exits saying so.
    const pid = await startDetached(["daemon", ...(args.verbose ? ["--verbose"] : ["--quiet"])], join(dir, "daemon.stderr"),
      async (child) => (await answeringDaemon()) === child);
    process.stdout.write(`daemon started in the background (pid ${pid}); log: ${logPath}; stop it with: herald stop\n`);
    return;
  }
  const level: Level = args.verbose ? "debug" : args.quiet ? "warn" : "info";
  const { Daemon } = await import("@herald/agent");
  await runForeground(level, async (log) => ({ service: await Daemon.start({ log, web: true }), logPath }));
}

export const daemonCommand: CommandModule<GlobalArgs, DaemonArgs> = {
  command: "daemon",
  describe: "Keep every repository on the list in sync (one process per user)",
  builder,
  handler,
};
