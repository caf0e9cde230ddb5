// `herald peer add JID [--repo DIR]`: trust JID's announcements (herald.peer) and, as the owner of
// the repository's pubsub node, let it read and publish there: the node becomes whitelist-only with
// a publisher affiliation per allow-listed JID (XEP-0060 §4.5, §8.9). JID may be on another server
// (another organisation's), reached over federation. A running agent or daemon follows the clone's
// config, so it trusts the new peer within a second (watch/config-watcher.ts).
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { cloneHere } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

interface AddArgs extends RepoArgs { jid: string }

const addCommand: CommandModule<GlobalArgs, AddArgs> = {
  command: "add <jid>",
  describe: "Allow JID (also of another server) to read and publish this repository's announcements",
  builder: (y) => withRepo(y)
    .positional("jid", { type: "string", demandOption: true, describe: "the peer's bare JID, user@domain" })
    .example("$0 peer add laptop@example.org", "another machine on our server")
    .example("$0 peer add build@partner.example", "a machine of another organisation, over federation"),
  handler: async (args: ArgumentsCamelCase<AddArgs>) => {
    const { addPeer, machineConfigFile, readMachineEntries } = await import("@herald/agent");
    const clone = await cloneHere(args.repo);
    if (!clone) throw new CliError(`${args.repo ?? process.cwd()} is not a git clone (use --repo DIR)`, "NOT_A_REPO");
    const r = await addPeer({ dir: clone.dir, jid: args.jid, machine: await readMachineEntries(machineConfigFile()), env: process.env });
    const granted = Object.entries(r.affiliations).map(([j, a]) => `${j} ${a}`).join(", ");
    process.stdout.write(`${r.listed ? "added" : "already listed"}: herald.peer ${args.jid.toLowerCase()}\n`
      + `${r.node} on ${r.pubsub}: whitelist; ${granted}\n`);
  },
};

export const peerCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "peer <command>",
  describe: "Who may read and publish this repository's announcements",
  builder: (y) => y.command(addCommand).demandCommand(1, "peer: say add")
    .example("$0 peer add build@partner.example", "let another organisation's machine read and publish"),
  handler: () => undefined,
};
