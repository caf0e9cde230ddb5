// `herald agent [--repo DIR] [--verbose] [--quiet] [--detach]`: one clone's agent, in the
// foreground until SIGINT or SIGTERM (background.ts), or in the background with --detach.
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Level } from "@herald/agent";
import { open, gitDirOf } from "../control-client.js";
import { mkdir, readFile } from "node:fs/promises";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";

interface AgentArgs extends GlobalArgs {
  repo?: string;
  quiet?: boolean;
  detach?: boolean;
}

function builder(y: Argv<GlobalArgs>): Argv<AgentArgs> {
  return y
    .option("repo", { type: "string", requiresArg: true, describe: "the clone to keep in sync", defaultDescription: "current directory" })
    .option("quiet", { type: "boolean", describe: "log only warnings and errors" })
    .option("detach", { type: "boolean", describe: "run in the background (log in .git/herald/agent.log; stop with herald stop)" })
    .conflicts("verbose", "quiet")
    .example("$0 agent", "sync the clone in the current directory; Ctrl-C stops it")
    .example("$0 agent --repo ~/notes --verbose", "sync ~/notes, logging debug detail")
    .example("$0 agent --detach", "start a background agent; herald status talks to it");
}

/** Exists and is a directory; git's own complaint for a missing dir would be less clear. */
async function checkRepoDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st) throw new CliError(`${dir} does not exist (--repo must name a git clone)`, "NOT_A_REPO");
  if (!st.isDirectory()) throw new CliError(`${dir} is not a directory (--repo must name a git clone)`, "NOT_A_REPO");
}

async function handler(args: ArgumentsCamelCase<AgentArgs>): Promise<void> {
  // resolve("") would quietly mean the current directory; an empty --repo is a mistake.
  if (args.repo === "") throw new CliError("--repo needs a directory");
  const repoDir = resolve(args.repo ?? process.cwd());
  await checkRepoDir(repoDir);
  if (args.detach) return detach(repoDir, args);
  const level: Level = args.verbose ? "debug" : args.quiet ? "warn" : "info";
  // Loaded here, not at the top: every other command starts faster without the XMPP stack.
  const [{ Agent }, { runForeground }] = await Promise.all([import("@herald/agent"), import("../background.js")]);
  await runForeground(level, async (log) => {
    const agent = await Agent.start({ repoDir, log, web: true });
    return { service: agent, logPath: join(agent.heraldDir, "agent.log") };
  });
}

/**
 * Start this same command without --detach as a background process, and return once its control
 * socket answers (so `herald status` works right after) or it has exited with an error.
 */
async function detach(repoDir: string, args: ArgumentsCamelCase<AgentArgs>): Promise<void> {
  const { gitDir } = await gitDirOf(repoDir);
  await mkdir(join(gitDir, "herald"), { recursive: true });
  // Serving: the clone's socket answers, and the pid it names is the process behind it.
  const serving = async (): Promise<number | null> => {
    const c = await open(join(gitDir, "herald", "control.sock")).catch(() => null);
    if (!c) return null;
    c.close();
    return Number((await readFile(join(gitDir, "herald", "agent.pid"), "utf8").catch(() => "")).trim()) || null;
  };
  // As with the daemon: one already serving is said, with its pid, never "started" again.
  const running = await serving();
  if (running !== null) {
    process.stdout.write(`an agent is already running for ${repoDir} (pid ${running}); stop it with: herald stop --repo ${repoDir}\n`);
    return;
  }
  const { startDetached } = await import("../background.js");
  // Quiet on stderr unless asked: everything is in agent.log anyway.
  const pid = await startDetached(["agent", "--repo", repoDir, ...(args.verbose ? ["--verbose"] : ["--quiet"])], join(gitDir, "herald", "agent.stderr"),
    async (child) => (await serving()) === child);
  process.stdout.write(`agent started in the background (pid ${pid}); log: ${join(gitDir, "herald", "agent.log")}; stop it with: herald stop\n`);
}

export const agentCommand: CommandModule<GlobalArgs, AgentArgs> = {
  command: "agent",
  describe: "Keep a clone in sync with its peers (in the foreground)",
  builder,
  handler,
};
