// `herald conflicts [--all] [--json]`, `herald conflicts show PATH`, `herald conflicts resolve PATH
// --keep ours|theirs|both|VARIANT`. They read .git/herald/conflicts.json and HEAD directly, so they
// work whether or not an agent is running; a running agent pushes the settling commit by itself.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { resolve } from "node:path";
import type { Clone, ConflictView } from "@herald/agent";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";

// The words resolveConflict understands besides a variant file's name (for --help, which must not
// load the agent: the conflict code is loaded by the handlers, so other commands start without it).
const KEEP_WORDS = ["ours", "theirs", "both"] as const;
const agent = () => import("@herald/agent");

interface RepoArgs extends GlobalArgs { repo?: string }
interface ListArgs extends RepoArgs { json?: boolean; all?: boolean }
interface PathArgs extends RepoArgs { path: string }
interface ResolveArgs extends PathArgs { keep: string }

const withRepo = <T>(y: Argv<T>) =>
  y.option("repo", { type: "string", requiresArg: true, describe: "the clone", defaultDescription: "current directory" });

// type "string": yargs would otherwise turn a path such as "007" into the number 7.
// The list's --all and --json reach subcommands too (yargs passes a parent's options down); they
// mean nothing there, so keep them out of their help.
const withPath = <T>(y: Argv<T>) =>
  withRepo(y).hide("all").hide("json").positional("path", { type: "string", demandOption: true, describe: "the conflicted path, as `herald conflicts` lists it" });

/** `--repo DIR` (paths relative to its top) or the current directory (paths relative to it, as in git). */
async function openClone(repoArg: string | undefined): Promise<Clone> {
  if (repoArg === "") throw new CliError("--repo needs a directory");
  const { openClone: openAt } = await agent();
  return repoArg === undefined ? openAt(process.cwd(), process.cwd()) : openAt(resolve(repoArg));
}

/** The records of the path the user named; an unknown path is bad input (exit 2). */
async function locate(args: PathArgs): Promise<{ clone: Clone; path: string; views: ConflictView[] }> {
  const { conflictsFor, loadConflicts, pathCandidates } = await agent();
  const clone = await openClone(args.repo);
  const found = conflictsFor(await loadConflicts(clone), pathCandidates(clone, args.path));
  if (!found) throw new CliError(`no conflict recorded for ${args.path} (see herald conflicts)`);
  return { clone, ...found };
}

const showCommand: CommandModule<GlobalArgs, PathArgs> = {
  command: "show <path>",
  describe: "Show the kept versions of PATH as a diff",
  builder: (y) => withPath(y).example("$0 conflicts show notes.txt", "what each side wrote"),
  handler: async (args: ArgumentsCamelCase<PathArgs>) => {
    const { showConflict, SideCache } = await agent();
    const { clone, path, views } = await locate(args);
    process.stdout.write(await showConflict(clone.repo, path, views, new SideCache(clone)));
  },
};

const resolveCommand: CommandModule<GlobalArgs, ResolveArgs> = {
  command: "resolve <path>",
  describe: "Keep one version at PATH (or all of them), remove the rest, and commit",
  builder: (y) => withPath(y)
    .option("keep", {
      type: "string", requiresArg: true, demandOption: true,
      describe: `${KEEP_WORDS.join(", ")} (every variant stays as it is) or a variant file`,
    })
    .example("$0 conflicts resolve notes.txt --keep theirs", "take the other clone's version")
    .example("$0 conflicts resolve notes.txt --keep notes.variant-1a2b3c4d.txt", "take that version")
    .epilog("PATH already holds one version (the side with the newer commit kept the name); keeping that one, by side\n" +
      "or as --keep PATH, removes the variants beside it. ours: the version whose commit has this clone's\n" +
      "user.email as author (else the one committed on this clone). Resolving a conflict already settled says\n" +
      "so and exits 0."),
  handler: async (args: ArgumentsCamelCase<ResolveArgs>) => {
    if (args.keep === "") throw new CliError("--keep needs ours, theirs, both or a variant file");
    const { resolveConflict, SideCache } = await agent();
    const { clone, path, views } = await locate(args);
    process.stdout.write(await resolveConflict(clone, path, views, args.keep, new SideCache(clone)));
  },
};

async function list(args: ArgumentsCamelCase<ListArgs>): Promise<void> {
  const { formatList, listConflicts, loadConflicts, SideCache } = await agent();
  const clone = await openClone(args.repo);
  const views = (await loadConflicts(clone)).filter((v) => args.all || v.state === "open");
  const listed = await listConflicts(views, new SideCache(clone));
  process.stdout.write(args.json ? `${JSON.stringify(listed, null, 2)}\n` : formatList(listed));
}

export const conflictsCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: "conflicts",
  describe: "List conflicts kept as variant files; show or resolve one",
  builder: (y) => withRepo(y)
    .option("all", { type: "boolean", describe: "include conflicts already resolved" })
    .option("json", { type: "boolean", describe: "machine-readable output" })
    .command(showCommand)
    .command(resolveCommand)
    .example("$0 conflicts", "unresolved conflicts in the clone in the current directory")
    .example("$0 conflicts --all --json --repo ~/notes", "every recorded conflict, as JSON")
    .epilog("Each conflicting path keeps one version (the side with the newer commit; \"kept the name\", atPath in\n" +
      "--json), the others are variant files beside it."),
  handler: list,
};
