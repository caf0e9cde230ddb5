// `herald stop`: stop the clone's background agent (SIGTERM to the pid in .git/herald/agent.pid)
// and wait until it has finished its merges and pushes and exited.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { gitDirOf } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

export const stopCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "stop",
  describe: "Stop the agent running for this clone",
  builder: (y) => withRepo(y).example("$0 stop --repo ~/notes", "stop the agent syncing ~/notes"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    const { dir, gitDir } = await gitDirOf(args.repo);
    const pid = Number((await readFile(join(gitDir, "herald", "agent.pid"), "utf8").catch(() => "")).trim());
    if (!pid || !alive(pid)) throw new CliError(`no agent is running for ${dir}`, "NO_AGENT");
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (alive(pid)) {
      if (Date.now() > deadline) throw new CliError(`agent ${pid} did not stop within 30 s`, "TIMEOUT");
      await new Promise((r) => setTimeout(r, 50));
    }
    process.stdout.write(`stopped agent ${pid}\n`);
  },
};
