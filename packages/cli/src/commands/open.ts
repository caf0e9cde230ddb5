// `herald open [--repo DIR] [--no-browser]`: the dashboard's login link. The running Herald says
// where it listens and makes a one-time token for the link (good once, within 60 s); the API key
// never goes into it, so the link left in a browser's history or a terminal opens nothing.
// On a desktop the link is also opened in the browser.
import { spawn } from "node:child_process";
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
    .example("$0 open --no-browser", "print the link, e.g. to paste into a browser elsewhere on this machine")
    .epilog("The link works once, within 60 s; run herald open again for another."),
  handler: async (args: ArgumentsCamelCase<OpenArgs>) => {
    const { url, token, error } = (await ask(args.repo, "web")) as { url: string | null; token?: string | null; error?: string | null };
    if (!url) throw new CliError(`the dashboard is not running${error ? `: ${error}` : " (see herald log: web-unavailable says why)"}`, "NO_DASHBOARD");
    if (!token) throw new CliError("the running Herald gave no login token: it is older than this herald; restart it (herald stop, then start it again)", "NO_DASHBOARD");
    const link = `${url}/login?token=${encodeURIComponent(token)}`;
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
