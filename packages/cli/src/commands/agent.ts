// `herald agent [--repo DIR] [--verbose] [--quiet]`: the agent in the foreground until SIGINT or
// SIGTERM, which stop it cleanly (pending merges and pushes finish, the pid file is removed).
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { Agent, createLogger, type Level } from "@herald/agent";
import { consoleSink, JsonLogFile } from "../agent-log.js";
import { connectAgent, gitDirOf } from "../control-client.js";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { spawn } from "node:child_process";
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
  if (args.detach) return detach(repoDir, args);
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

/**
 * Start this same command without --detach as a background process, and return once its control
 * socket answers (so `herald status` works right after) or it has exited with an error.
 */
async function detach(repoDir: string, args: ArgumentsCamelCase<AgentArgs>): Promise<void> {
  const { gitDir } = await gitDirOf(repoDir);
  await mkdir(join(gitDir, "herald"), { recursive: true });
  // The background agent's stderr goes to a file, not a pipe: a pipe would break (EPIPE) once
  // this process exits. The JSON log is in agent.log as usual.
  const errPath = join(gitDir, "herald", "agent.stderr");
  const err = openSync(errPath, "w", 0o600);
  // Quiet on stderr unless asked: everything is in agent.log anyway.
  const argv = [process.argv[1]!, "agent", "--repo", repoDir, ...(args.verbose ? ["--verbose"] : ["--quiet"])];
  const child = spawn(process.execPath, argv, { detached: true, stdio: ["ignore", "ignore", err] });
  closeSync(err);
  const exited = new Promise<number>((r) => child.once("exit", (code) => r(code ?? 1)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (done !== null) {
      const last = readFileSync(errPath, "utf8").trim().split("\n").pop()?.replace(/^herald: /, "");
      throw new CliError(last || `the agent exited with code ${done}`, done === 2 ? "USAGE" : "AGENT_FAILED");
    }
    if (await connectAgent(repoDir).then((c) => { c.close(); return true; }, () => false)) break;
    if (Date.now() > deadline) throw new CliError("the agent did not start within 30 s", "AGENT_FAILED");
  }
  child.unref();
  process.stdout.write(`agent started in the background (pid ${child.pid}); log: ${join(gitDir, "herald", "agent.log")}; stop it with: herald stop\n`);
}

export const agentCommand: CommandModule<GlobalArgs, AgentArgs> = {
  command: "agent",
  describe: "Keep a clone in sync with its peers (in the foreground)",
  builder,
  handler,
};
