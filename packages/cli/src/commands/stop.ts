// `herald stop`: stop the Herald serving this clone, and wait until it has finished its merges and
// pushes and exited: the clone's own agent (pid in .git/herald/agent.pid) if one runs, else the
// daemon (pid in $XDG_RUNTIME_DIR/herald/daemon.pid), which serves every repository on its list.
import { runtimeDir } from "@herald/agent/paths";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { cloneHere } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const pidIn = async (file: string) => Number((await readFile(file, "utf8").catch(() => "")).trim());

export const stopCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "stop",
  describe: "Stop the agent running for this clone, or the daemon",
  builder: (y) => withRepo(y)
    .example("$0 stop --repo ~/notes", "stop the agent syncing ~/notes")
    .example("$0 stop", "outside a clone: stop the daemon"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    const clone = await cloneHere(args.repo);
    const own = clone ? await pidIn(join(clone.gitDir, "herald", "agent.pid")) : 0;
    const daemon = await pidIn(join(runtimeDir(), "daemon.pid"));
    const daemonAlive = daemon > 0 && alive(daemon);
    if (clone && !(own && alive(own) && own !== daemon)) {
      // Stopping every repository because one was named would surprise; say what would do what.
      throw new CliError(daemonAlive
        ? `${clone.dir} is served by the daemon (pid ${daemon}): herald remove ${clone.dir} stops syncing it; herald stop outside a clone stops the daemon`
        : `no agent is running for ${clone.dir}`, "NO_AGENT");
    }
    if (!clone && !daemonAlive) throw new CliError("no Herald daemon is running", "NO_AGENT");
    const [pid, what] = clone ? [own, "agent"] : [daemon, "daemon"];
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (alive(pid)) {
      if (Date.now() > deadline) throw new CliError(`${what} ${pid} did not stop within 30 s`, "TIMEOUT");
      await new Promise((r) => setTimeout(r, 50));
    }
    process.stdout.write(`stopped ${what} ${pid}\n`);
  },
};
