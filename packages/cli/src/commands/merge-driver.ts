// `herald merge-driver %O %A %B %P`: a git merge driver (gitattributes(5), "Defining a custom
// merge driver") that never leaves conflict markers. A clean merge is written to %A; on a
// conflict one side's version stays at %P (merge/keeper.ts: the agent's rule) and the other is
// kept as a variant file beside it, and the exit status is 0 so git completes the merge.
import { readFile, writeFile } from "node:fs/promises";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { checkRepoPath } from "@herald/agent/repo-path";
import { mergeThreeWay } from "../merge/three-way.js";
import { runGit } from "../run-git.js";

interface MergeDriverArgs extends GlobalArgs {
  base: string;
  ours: string;
  theirs: string;
  path: string;
}

function builder(y: Argv<GlobalArgs>): Argv<MergeDriverArgs> {
  // type "string": yargs would otherwise turn a path such as "007" into the number 7.
  return y
    .positional("base", { type: "string", demandOption: true, describe: "%O: file holding the common ancestor's version" })
    .positional("ours", { type: "string", demandOption: true, describe: "%A: file holding our version; receives the result" })
    .positional("theirs", { type: "string", demandOption: true, describe: "%B: file holding their version" })
    .positional("path", { type: "string", demandOption: true, describe: "%P: the file's path in the repository" })
    .example('git config merge.herald.driver "herald merge-driver %O %A %B %P"', "define the driver in a clone")
    .example("echo '* merge=herald' >> .gitattributes", "then use it for every file");
}

async function readSide(file: string, what: string): Promise<Buffer> {
  return readFile(file).catch((e: Error) => {
    throw new CliError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, "USAGE", { cause: e });
  });
}

/** git runs merge drivers at the top of the working tree; ask rather than assume. */
async function worktreeTop(): Promise<string> {
  const r = await runGit(["rev-parse", "--show-toplevel"]);
  if (r.status !== 0) throw new CliError(`merge-driver must run inside a git working tree (${process.cwd()} is not one)`, "NOT_A_REPO");
  return r.stdout.toString("utf8").trim();
}

async function handler(args: ArgumentsCamelCase<MergeDriverArgs>): Promise<void> {
  const path = checkRepoPath(args.path);
  const top = await worktreeTop();
  const [base, ours, theirs] = await Promise.all([
    readSide(args.base, "base version (%O)"), readSide(args.ours, "our version (%A)"), readSide(args.theirs, "their version (%B)"),
  ]);
  const merged = await mergeThreeWay({ files: { base: args.base, ours: args.ours, theirs: args.theirs }, base, ours, theirs });
  if (merged.kind === "clean") {
    await writeFile(args.ours, merged.result);
    return;
  }
  // Only a conflict needs the variant naming (and the agent module it lives in); git runs this
  // driver once per merged file, so a clean merge should start fast.
  const [{ writeVariants }, { keepingSide }] = await Promise.all([import("../merge/variants.js"), import("../merge/keeper.js")]);
  // One version stays at the path, the other goes beside it as a variant: the agent's rule.
  const keeps = await keepingSide(top, process.env);
  if (keeps === "theirs") await writeFile(args.ours, theirs);
  const other = keeps === "ours" ? { label: "theirs" as const, content: theirs } : { label: "ours" as const, content: ours };
  const [kept] = await writeVariants(top, path, [other]);
  const what = merged.binary ? "binary conflict" : "conflict";
  process.stderr.write(`herald: ${what} in ${path}: ${keeps} kept the name; ${kept!.label} kept as ${kept!.file}\n`);
}

export const mergeDriverCommand: CommandModule<GlobalArgs, MergeDriverArgs> = {
  command: "merge-driver <base> <ours> <theirs> <path>",
  describe: "Git merge driver: keep both versions, never conflict markers",
  builder,
  handler,
};
