// `herald init`: set up a clone for syncing over XMPP. Validates every value as the agent will,
// checks the login and the pubsub service, and only then writes git config (or, with --no-check,
// writes without checking; with --dry-run, prints the commands and writes nothing). With --machine
// the same settings go to the machine file every clone on the daemon's list inherits.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { GlobalArgs } from "../global-args.js";
import type { InitArgs } from "../init/run.js";

function builder(y: Argv<GlobalArgs>): Argv<InitArgs> {
  const str = (describe: string) => ({ type: "string" as const, requiresArg: true, describe });
  const list = (describe: string) => ({ type: "string" as const, array: true as const, requiresArg: true, describe });
  return y
    .option("repo", { ...str("the clone to set up"), defaultDescription: "current directory" })
    .option("jid", str("the agent's XMPP account, user@domain (herald.jid)"))
    .option("password-file", str("file holding that account's password (herald.passwordFile)"))
    .option("service", str("server address, xmpp://host:port (herald.service; default from the JID's domain)"))
    .option("pubsub", str("pubsub service JID (herald.pubsub; default pubsub.<domain>)"))
    .option("tls-ca", str("PEM file of the CA that signed the server's certificate, trusted beside the system's (herald.tlsCa)"))
    .option("peer", list("JID of another clone's agent whose announcements to trust; repeatable (herald.peer)"))
    .option("admin", list("JID whose chat commands the agent obeys; repeatable (herald.admin)"))
    .option("node", str("this clone's node id (herald.node; default host name + path hash)"))
    .option("verify", { choices: ["off", "signed"], requiresArg: true, describe: "merge only commits signed by an allowed key, and Herald merges that recompute (herald.verify)" })
    .option("allowed-signers", str("the allowed signers file (git's gpg.ssh.allowedSignersFile format) that --verify signed checks against (herald.allowedSigners)"))
    .option("allowed-openpgp-keys", str("a file of OpenPGP public keys (gpg --export --armor) whose signatures --verify signed also accepts (herald.allowedOpenpgpKeys)"))
    .option("signing-key", str("ssh public key file to sign this clone's commits with (gpg.format ssh, user.signingKey, commit.gpgSign); a terminal is asked"))
    .option("dry-run", { type: "boolean", describe: "print the git config commands; write nothing" })
    .option("check", { type: "boolean", default: true, describe: "log in and query pubsub before writing (--no-check skips it)" })
    .option("machine", { type: "boolean", describe: "write the machine settings ($XDG_CONFIG_HOME/herald/config) that clones on the daemon's list inherit" })
    // A node id names one clone; a machine-wide one would make every clone the same node.
    // Signing is git's own config, read by git in a clone, never from the machine file.
    .conflicts("machine", ["node", "repo", "signing-key"])
    .example("$0 init", "asks for what is missing (at a terminal)")
    .example("$0 init --jid laptop@example.org --password-file ~/.herald-pw --peer desktop@example.org", "no questions")
    .example("$0 init --machine --jid laptop@example.org --password-file ~/.herald-pw", "one account for every clone herald add lists")
    .example("$0 init --machine --tls-ca /etc/prosody/certs/ca.crt", "a server whose certificate a private CA signed")
    .example("$0 init --verify signed --allowed-signers ~/.config/herald/allowed_signers", "merge only what a listed ssh key signed (docs/guide.md)")
    .example("$0 init --signing-key ~/.ssh/id_ed25519.pub", "sign this clone's commits, so peers with --verify signed merge them")
    .epilog("Settings already in the clone's git config are kept unless given again; --peer and --admin\n" +
      "replace the whole list. The password file may be replaced by HERALD_PASSWORD in the environment.");
}

// The work (and the XMPP client it checks the login with) is loaded only when init runs.
const handler = async (args: ArgumentsCamelCase<InitArgs>) => (await import("../init/run.js")).init(args);

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: "init",
  describe: "Set up a clone: XMPP account, server, peers (checks the login first)",
  builder,
  handler,
};
