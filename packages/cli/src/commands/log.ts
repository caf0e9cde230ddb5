// `herald log [--follow] [-n N]`: the agent's recent events, as readable lines.
import type { LogRecord } from "@herald/agent";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { ANSWER_MS, connectHerald } from "../control-client.js";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

interface LogArgs extends RepoArgs { follow?: boolean; lines?: number }

export const logCommand: CommandModule<GlobalArgs, LogArgs> = {
  command: "log",
  describe: "The agent's recent events",
  builder: (y) => withRepo(y)
    .option("follow", { alias: "f", type: "boolean", describe: "keep printing new events until Ctrl-C" })
    .option("lines", { alias: "n", type: "number", default: 50, describe: "how many recent events" })
    .example("$0 log -n 20", "the last 20 events")
    .example("$0 log --follow", "watch events as they happen"),
  handler: async (args: ArgumentsCamelCase<LogArgs>) => {
    const { conn: c, repo } = await connectHerald(args.repo);
    // The agent's logger module (it pulls in the whole agent); only needed once connected.
    const { formatHuman } = await import("@herald/agent");
    const print = (r: unknown) => process.stdout.write(`${args.json ? JSON.stringify(r) : formatHuman(r as LogRecord)}\n`);
    // The tail comes at once or not at all (bounded); only what follows it is waited for freely.
    const recent = (await c.request("log", { lines: args.lines, follow: !!args.follow, ...(repo ? { repo } : {}) }, print, ANSWER_MS)) as LogRecord[];
    recent.forEach(print);
    if (!args.follow) return c.close();
    const stopped = await Promise.race([
      new Promise<false>((resolve) => process.once("SIGINT", () => { c.close(); resolve(false); })),
      c.closed.then(() => true),
    ]);
    // Ctrl-C is the way out; the agent going away is news (and no more events will come).
    if (stopped) throw new CliError("the agent stopped: no more events", "NO_AGENT");
  },
};
