// `herald open [--repo DIR] [--no-browser]`: the dashboard's login link. The running Herald says
// where it listens; the key comes from the user's own key file, so it never crosses the control
// socket or reaches a log. On a desktop the link is also opened in the browser.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { ask } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";

interface OpenArgs extends GlobalArgs { repo?: string; browser: boolean }

/** A graphical session to open a browser in (macOS always has one). */
const desktop = (env: NodeJS.ProcessEnv) => process.platform === "darwin" || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);

export const openCommand: CommandModule<GlobalArgs, OpenArgs> = {
  command: "open",
  describe: "Print the dashboard's login link (and open it, on a desktop)",
  builder: (y: Argv<GlobalArgs>) => y
    .option("repo", { type: "string", requiresArg: true, describe: "the clone whose agent serves the dashboard", defaultDescription: "current directory, else the daemon" })
    .option("browser", { type: "boolean", default: true, describe: "open the link in a browser on a desktop (--no-browser: only print it)" })
    .example("$0 open", "log in to the dashboard")
    .example("$0 open --no-browser", "print the link, e.g. to paste into a browser elsewhere on this machine"),
  handler: async (args: ArgumentsCamelCase<OpenArgs>) => {
    const { url } = (await ask(args.repo, "web")) as { url: string | null };
    if (!url) throw new CliError("the dashboard is not running (see herald log: web-unavailable says why)", "NO_DASHBOARD");
    const { apiKeyFile } = await import("@herald/agent"); // loaded here: other commands start without it
    const file = apiKeyFile();
    const key = (await readFile(file, "utf8").catch(() => "")).trim();
    if (!key) throw new CliError(`no API key in ${file}; it is made when the dashboard starts`, "NO_DASHBOARD");
    const link = `${url}/login?key=${encodeURIComponent(key)}`;
    process.stdout.write(`${link}\n`);
    if (args.browser && desktop(process.env)) {
      const opener = process.platform === "darwin" ? "open" : "xdg-open";
      // Detached and ignored: a missing opener only means the user clicks the printed link.
      const child = spawn(opener, [link], { stdio: "ignore", detached: true });
      child.on("error", () => undefined);
      child.unref();
    }
  },
};
