// `herald agent [--repo DIR] [--verbose] [--quiet]`: the agent in the foreground until SIGINT or
// SIGTERM, which stop it cleanly (pending merges and pushes finish, the pid file is removed).
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { Agent, createLogger, type Level } from "@herald/agent";
import { consoleSink, JsonLogFile } from "../agent-log.js";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";

interface AgentArgs extends GlobalArgs {
  repo?: string;
  quiet?: boolean;
}

function builder(y: Argv<GlobalArgs>): Argv<AgentArgs> {
  return y
    .option("repo", { type: "string", requiresArg: true, describe: "the clone to keep in sync", defaultDescription: "current directory" })
    .option("quiet", { type: "boolean", describe: "log only warnings and errors" })
    .conflicts("verbose", "quiet")
    .example("$0 agent", "sync the clone in the current directory; Ctrl-C stops it")
    .example("$0 agent --repo ~/notes --verbose", "sync ~/notes, logging debug detail");
}

/** Exists and is a directory; git's own complaint for a missing dir would be less clear. */
async function checkRepoDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st) throw new CliError(`${dir} does not exist (--repo must name a git clone)`, "NOT_A_REPO");
  if (!st.isDirectory()) throw new CliError(`${dir} is not a directory (--repo must name a git clone)`, "NOT_A_REPO");
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once. */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      const force = () => process.exit(1); // a stuck stop must not leave an unkillable-by-^C process
      process.once("SIGINT", force).once("SIGTERM", force);
      resolveSignal(signal);
    };
    process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  });
}

async function handler(args: ArgumentsCamelCase<AgentArgs>): Promise<void> {
  // resolve("") would quietly mean the current directory; an empty --repo is a mistake.
  if (args.repo === "") throw new CliError("--repo needs a directory");
  const repoDir = resolve(args.repo ?? process.cwd());
  await checkRepoDir(repoDir);
  const level: Level = args.verbose ? "debug" : args.quiet ? "warn" : "info";
  const file = new JsonLogFile();
  const log = createLogger([consoleSink(), file.sink], level);
  // Listen before starting, so a signal during start-up still ends in a clean stop.
  const signal = firstSignal();
  // Signal listeners do not keep Node's event loop alive; this timer does, whatever the agent's
  // own handles happen to be, until we decide to exit.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    let agent: Agent;
    try {
      agent = await Agent.start({ repoDir, log });
    } catch (e) {
      file.discard();
      throw e;
    }
    file.open(join(agent.heraldDir, "agent.log"));
    const received = await signal;
    log.info("stopping", { signal: received });
    await agent.stop();
    await file.close();
  } finally {
    clearInterval(keepAlive);
  }
}

export const agentCommand: CommandModule<GlobalArgs, AgentArgs> = {
  command: "agent",
  describe: "Keep a clone in sync with its peers (in the foreground)",
  builder,
  handler,
};
