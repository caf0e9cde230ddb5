// `herald transfers [pause|resume|cancel KEY|--all]`: git-annex content transfers, per repository
// (queued, running with bytes, rate and time left, done, failed), and control over them. Pause and
// cancel stop a running git-annex at once; its partial content stays, so resume continues it.
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { ask } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

interface TransfersArgs extends RepoArgs { action?: "pause" | "resume" | "cancel"; key?: string; all?: boolean }

export const transfersCommand: CommandModule<GlobalArgs, TransfersArgs> = {
  command: "transfers [action] [key]",
  describe: "git-annex content transfers: list them, or pause, resume or cancel one (by key) or --all",
  builder: (y) => withRepo(y)
    .positional("action", { choices: ["pause", "resume", "cancel"] as const, describe: "what to do (none: list)" })
    .positional("key", { type: "string", describe: "the git-annex key (git annex lookupkey FILE)" })
    .option("all", { type: "boolean", describe: "every transfer" })
    .option("json", { type: "boolean", describe: "machine-readable output" })
    .example("$0 transfers", "queued, running, done and failed transfers")
    .example("$0 transfers pause --all", "stop every transfer until resume"),
  handler: async (args: ArgumentsCamelCase<TransfersArgs>) => {
    if (!args.action) {
      const reply = (await ask(args.repo, "transfers", { action: "list" })) as import("../render/transfers.js").RepoTransfers[];
      const { renderTransfers } = await import("../render/transfers.js");
      process.stdout.write(`${args.json ? JSON.stringify(reply, null, 2) : renderTransfers(reply, Date.now())}\n`);
      return;
    }
    if (!args.key && !args.all) throw new CliError(`herald transfers ${args.action}: name a key, or --all`);
    if (args.key && args.all) throw new CliError(`herald transfers ${args.action}: a key or --all, not both`);
    const reply = (await ask(args.repo, "transfers", { action: args.action, ...(args.key ? { key: args.key } : {}) })) as Array<{ repo: string; changed?: number }>;
    const n = reply.reduce((s, r) => s + (r.changed ?? 0), 0);
    process.stdout.write(args.json ? `${JSON.stringify(reply)}\n` : `${args.action === "pause" ? "paused" : args.action === "resume" ? "resumed" : "cancelled"} ${n} transfer${n === 1 ? "" : "s"}\n`);
    if (n === 0) process.exitCode = 1;
  },
};
