#!/usr/bin/env node
// The `herald` command: yargs parses, one command module per file does the work, and this file
// is the one place where errors become a message and an exit code (see cli-error.ts).
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { CliError, errorDetails, errorLine, exitCodeFor, usageMessage } from "./cli-error.js";
import { colorEnabled, palette } from "./color.js";
import { agentCommand } from "./commands/agent.js";
import { daemonCommand } from "./commands/daemon.js";
import { doctorCommand } from "./commands/doctor.js";
import { mergeDriverCommand } from "./commands/merge-driver.js";
import { planCommand } from "./commands/plan.js";
import { pauseCommand, resumeCommand, statusCommand, syncCommand } from "./commands/control-commands.js";
import { logCommand } from "./commands/log.js";
import { stopCommand } from "./commands/stop.js";
import { transfersCommand } from "./commands/transfers.js";
import { mapCommand } from "./commands/map.js";
import { openCommand } from "./commands/open.js";
import { conflictsCommand } from "./commands/conflicts.js";
import { initCommand } from "./commands/init.js";
import { addCommand, listCommand, removeCommand } from "./commands/repos.js";
import { completionCommand, settleCompletionShell } from "./commands/completion.js";
import { serviceCommand } from "./commands/service.js";
import { peerCommand } from "./commands/peer.js";
import { verifyCommand } from "./commands/verify.js";
import { versionText } from "./version.js";

async function main(args: string[]): Promise<number> {
  settleCompletionShell(args, process.env);
  // Fit a terminal (up to 100 columns); into a pipe or file, don't wrap: a wrapped example
  // could no longer be copied as one command.
  const width = process.stdout.isTTY ? yargs().terminalWidth() : 0;
  const columns = width > 0 ? Math.min(100, width) : null;
  const cli = yargs(args)
    .scriptName("herald")
    .usage("$0 <command> [options]\n\nKeeps git clones in sync: commits are pushed to peers as they are made.")
    .option("verbose", { type: "boolean", global: true, describe: "more detail (debug log, stack traces)" })
    .command(daemonCommand)
    .command(agentCommand)
    .command(planCommand)
    .command(mergeDriverCommand)
    .command(statusCommand)
    .command(syncCommand)
    .command(pauseCommand)
    .command(resumeCommand)
    .command(transfersCommand)
    .command(logCommand)
    .command(stopCommand)
    .command(mapCommand)
    .command(openCommand)
    .command(initCommand)
    .command(conflictsCommand)
    .command(doctorCommand)
    .command(addCommand)
    .command(removeCommand)
    .command(listCommand)
    .command(serviceCommand)
    .command(peerCommand)
    .command(verifyCommand)
    .command(completionCommand(() => cli.showCompletionScript()))
    .demandCommand(1, "no command given")
    .strict()
    // A mistyped command gets the nearest one: "Did you mean status?"
    .recommendCommands()
    // A dev build asks git for the commit, which costs a process: only when the version is wanted.
    .version(args.includes("--version") ? versionText() : "")
    .help()
    .wrap(columns)
    // Exit codes are decided below, not by yargs (it would exit 1 on usage errors, and early).
    .exitProcess(false)
    // Usage errors arrive as a message; handler failures as the error itself. Both go to the catch.
    .fail((msg, err) => {
      if (err && err.name !== "YError") throw err;
      throw new CliError(`${usageMessage(msg ?? err?.message ?? "bad usage", args)} (see herald --help)`);
    });
  await cli.parseAsync();
  return 0;
}

function report(err: unknown, verbose: boolean): number {
  const { red } = palette(colorEnabled(process.stderr));
  process.stderr.write(`${red(errorLine(err))}\n`);
  if (verbose) process.stderr.write(`${errorDetails(err)}\n`);
  return exitCodeFor(err);
}

// `herald plan ... | head` closes our stdout early; that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

const args = hideBin(process.argv);
// Read from the raw arguments: the failure may be that they did not parse.
const end = args.indexOf("--");
const verbose = (end === -1 ? args : args.slice(0, end)).includes("--verbose");
// A command that finished but found something wrong (sync with a failed push, status of a broken
// repository) sets process.exitCode itself; keep it.
process.exitCode = await main(args).then(() => Number(process.exitCode ?? 0), (err: unknown) => report(err, verbose));
