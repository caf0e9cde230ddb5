// `herald doctor [--repo DIR]`: checks everything a sync needs, one line each with the fix; exit 0
// only when nothing failed. In a clone it checks that clone; elsewhere every repository on the
// daemon's list. It needs no running agent: it does what the agent would, once.
import type { Check } from "@herald/agent";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { cloneHere } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

export const doctorCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "doctor",
  describe: "Check everything a sync needs (git, inotify, remotes, XMPP login, TLS, pubsub, publisher stamping, peers, clock)",
  builder: (y) => withRepo(y)
    .example("$0 doctor", "in a clone: that clone; elsewhere: every repository on the daemon's list")
    .example("$0 doctor --repo ~/notes", "one clone"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    const { doctorReport, machineConfigFile, readMachineEntries, readRepoList, reposFile, runDoctor } = await import("@herald/agent");
    const clone = await cloneHere(args.repo);
    const dirs = clone ? [clone.dir] : (await readRepoList(reposFile())).paths;
    const extra: Check[] = [];
    const machine = await readMachineEntries(machineConfigFile()).catch((e: Error) => {
      extra.push({ name: "machine settings", result: "fail", detail: e.message, fix: `mend ${machineConfigFile()} (git config -f FILE --list shows what git reads)` });
      return [];
    });
    const { text, code } = doctorReport([...extra, ...(await runDoctor({ dirs, machine, env: process.env }))]);
    process.stdout.write(`${text}\n`);
    process.exitCode = code;
  },
};
