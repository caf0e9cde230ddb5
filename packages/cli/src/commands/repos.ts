// `herald add`, `herald remove`, `herald list`: the daemon's repository list
// ($XDG_CONFIG_HOME/herald/repos). The daemon watches the file, so a change here is all it takes.
import { realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { reposFile } from "@herald/agent/paths";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { runGit } from "../run-git.js";

interface DirArgs extends GlobalArgs { dir: string }
interface ListArgs extends GlobalArgs { json?: boolean }

/** What stands at `abs`: a directory, something else, or nothing. */
async function kind(abs: string): Promise<"dir" | "other" | "missing"> {
  return stat(abs).then((s) => (s.isDirectory() ? "dir" : "other"), () => "missing");
}

/**
 * The clone's top directory, with symlinks resolved, so `herald add .` from a subdirectory or
 * through a symlink names the clone one way only. Anything but a working tree is bad input (exit 2).
 */
async function cloneTop(abs: string): Promise<string> {
  const k = await kind(abs);
  if (k === "missing") throw new CliError(`${abs} does not exist`);
  if (k === "other") throw new CliError(`${abs} is not a directory`);
  const probe = await runGit(["rev-parse", "--is-bare-repository", "--is-inside-work-tree"], { cwd: abs });
  if (probe.status !== 0) throw new CliError(`${abs} is not in a git repository`, "NOT_A_REPO");
  const [bare, inWorkTree] = probe.stdout.toString("utf8").split("\n");
  if (bare === "true") throw new CliError(`${abs} is a bare repository; herald syncs clones that have a working tree`, "NOT_A_REPO");
  if (inWorkTree !== "true") throw new CliError(`${abs} is inside a .git directory, not a working tree`, "NOT_A_REPO");
  const top = await runGit(["rev-parse", "--show-toplevel"], { cwd: abs });
  if (top.status !== 0) throw new CliError(`${abs}: git rev-parse --show-toplevel failed: ${top.stderr.trim().split("\n").pop() ?? ""}`, "NOT_A_REPO");
  return realpath(top.stdout.toString("utf8").trim());
}

const dirArg = (verb: string) => <T>(y: Argv<T>) => y.positional("dir", { type: "string", demandOption: true, describe: `the clone to ${verb}` });

export const addCommand: CommandModule<GlobalArgs, DirArgs> = {
  command: "add <dir>",
  describe: "Add a clone to the daemon's list (it starts syncing it at once)",
  builder: (y) => dirArg("add")(y)
    .example("$0 add ~/notes", "sync ~/notes with the daemon")
    .example("$0 add .", "the clone in the current directory (any subdirectory of it will do)")
    .epilog("The list is $XDG_CONFIG_HOME/herald/repos (default ~/.config/herald/repos), one path per line."),
  handler: async (args: ArgumentsCamelCase<DirArgs>) => {
    const top = await cloneTop(resolve(args.dir));
    const { addRepo } = await import("@herald/agent"); // the agent is heavy: load it only when used
    const added = await addRepo(reposFile(process.env), top);
    process.stdout.write(added ? `added ${top} (the daemon picks it up at once)\n` : `${top} is already on the list\n`);
  },
};

export const removeCommand: CommandModule<GlobalArgs, DirArgs> = {
  command: "remove <dir>",
  describe: "Take a clone off the daemon's list (the clone itself is left alone)",
  builder: (y) => dirArg("remove")(y)
    .example("$0 remove ~/notes", "stop syncing ~/notes")
    .example("$0 remove /media/usb/old-clone", "works after the directory is gone, too"),
  handler: async (args: ArgumentsCamelCase<DirArgs>) => {
    const abs = resolve(args.dir);
    // A clone that was deleted or moved must still be removable: then the path as given is the name.
    const names = new Set([abs]);
    if (await kind(abs) === "dir") {
      names.add(await realpath(abs));
      const top = await cloneTop(abs).catch(() => null);
      if (top) names.add(top);
    }
    const file = reposFile(process.env);
    const { removeRepo } = await import("@herald/agent");
    const removed: string[] = [];
    for (const n of names) if (await removeRepo(file, n)) removed.push(n);
    if (removed.length === 0) throw new CliError(`${abs} is not on the list (see herald list)`, "NOT_LISTED");
    for (const n of removed) process.stdout.write(`removed ${n}\n`);
  },
};

export const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: "list",
  describe: "The clones on the daemon's list; (missing) marks one whose directory is gone",
  builder: (y) => y
    .option("json", { type: "boolean", describe: "an array of {path, exists}, for scripts" })
    .example("$0 list", "one path per line")
    .example("$0 list --json", "machine-readable"),
  handler: async (args: ArgumentsCamelCase<ListArgs>) => {
    const file = reposFile(process.env);
    const { readRepoList } = await import("@herald/agent");
    const { paths, problems } = await readRepoList(file);
    // A hand-edited line the daemon skips: say so, without spoiling stdout for scripts.
    for (const p of problems) process.stderr.write(`herald: warning: ${file} ${p} (ignored)\n`);
    const rows = await Promise.all(paths.map(async (path) => ({ path, exists: (await kind(path)) === "dir" })));
    if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else for (const r of rows) process.stdout.write(`${r.path}${r.exists ? "" : " (missing)"}\n`);
    // On stderr: stdout stays one path per line (none here), for scripts that read it.
    if (!args.json && rows.length === 0) process.stderr.write(`no repositories on the list (${file}); add one with: herald add DIR\n`);
  },
};
