// `herald service install|uninstall|status`: run the daemon as a systemd user service, so that it
// starts at login (or at boot, with lingering) and is restarted if it fails (service/manage.ts).
import { realpathSync } from "node:fs";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { GlobalArgs } from "../global-args.js";

interface InstallArgs extends GlobalArgs { start: boolean }

const manage = () => import("../service/manage.js");

const installCommand: CommandModule<GlobalArgs, InstallArgs> = {
  command: "install",
  describe: "Write the unit, then enable and start it",
  builder: (y) => y
    .option("start", { type: "boolean", default: true, describe: "enable and start it now (--no-start: only write the unit)" })
    .example("$0 service install", "the daemon runs now and at every login")
    .example("$0 service install --no-start", "write the unit; print the systemctl commands to run"),
  handler: async (args: ArgumentsCamelCase<InstallArgs>) => {
    // This node and this script, as absolute paths: the unit must run the herald being installed.
    const spec = { node: process.execPath, script: realpathSync(process.argv[1]!) };
    await (await manage()).install(spec, args.start);
  },
};

const uninstallCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "uninstall",
  describe: "Stop and disable the service, and remove the unit",
  builder: (y) => y.example("$0 service uninstall", "the daemon no longer starts at login"),
  handler: async () => (await manage()).uninstall(),
};

const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "status",
  describe: "Whether the unit is installed, enabled and running (exit 1 if not)",
  builder: (y) => y.example("$0 service status", "unit file, command, enabled, active"),
  handler: async () => (await manage()).status(),
};

export const serviceCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "service",
  describe: "Run the daemon as a systemd user service (install, uninstall, status)",
  builder: (y: Argv<GlobalArgs>) => y
    .command(installCommand)
    .command(uninstallCommand)
    .command(statusCommand)
    .demandCommand(1, "say install, uninstall or status")
    .example("$0 service install", "start the daemon now and at every login")
    .example("$0 service status", "is it installed, enabled, running?")
    .epilog("The unit is $XDG_CONFIG_HOME/systemd/user/herald.service (default ~/.config/systemd/user)."),
  handler: () => undefined,
};
