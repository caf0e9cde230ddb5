// `herald completion`: prints a shell completion script. The script calls
// `herald --get-yargs-completions WORDS...`, which yargs answers from the commands and options
// defined in bin.ts, so completion never falls out of step with the CLI.
import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../global-args.js";

/** `print` writes yargs' script (bin.ts passes its own yargs instance's showCompletionScript). */
export function completionCommand(print: () => void): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: "completion",
    describe: "Print a bash or zsh completion script (zsh when $SHELL is zsh)",
    builder: (y) => y
      .example("$0 completion >> ~/.bashrc", "complete herald's commands and options in new bash shells")
      .example("$0 completion >> ~/.zshrc", "the same for zsh")
      .example("source <($0 completion)", "in this shell only"),
    handler: () => print(),
  };
}
