// `herald completion [bash|zsh]`: prints a shell completion script. The script calls
// `herald --get-yargs-completions WORDS...`, which yargs answers from the commands and options
// defined in bin.ts, so completion never falls out of step with the CLI.
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import type { GlobalArgs } from "../global-args.js";

export const SHELLS = ["bash", "zsh"] as const;
type Shell = (typeof SHELLS)[number];
interface CompletionArgs extends GlobalArgs { shell?: Shell }

/** The user's shell, by $SHELL's name (bash when it is neither). */
export const shellOf = (env: NodeJS.ProcessEnv): Shell => (/(^|\/)zsh$/.test(env.SHELL ?? "") ? "zsh" : "bash");

/**
 * zsh's completion functions exist only after compinit, which a plain ~/.zshrc may not run; the
 * script yargs writes would then fail with "command not found: compdef". Start it where needed.
 */
const ZSH_PREAMBLE = "(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -u }\n";

/**
 * yargs writes zsh's script (and answers in zsh's form, with descriptions) when $SHELL names zsh,
 * and decides that when it is built: bin.ts calls this first, so `herald completion zsh` is zsh's
 * whatever $SHELL says. The script then names its shell in each call back, for the same reason.
 */
export function settleCompletionShell(args: readonly string[], env: NodeJS.ProcessEnv): void {
  if (args[0] !== "completion") return;
  const asked = SHELLS.find((s) => s === args[1]) ?? shellOf(env);
  env.SHELL = `/bin/${asked}`;
  delete env.ZSH_NAME;
}

/** `print` writes yargs' script (bin.ts passes its own yargs instance's showCompletionScript). */
export function completionCommand(print: () => void): CommandModule<GlobalArgs, CompletionArgs> {
  return {
    command: "completion [shell]",
    describe: "Print a bash or zsh completion script",
    builder: (y) => y
      .positional("shell", { choices: SHELLS, describe: "the shell to complete in", defaultDescription: "from $SHELL" })
      .example("$0 completion bash >> ~/.bashrc", "complete herald's commands and options in new bash shells")
      .example("$0 completion zsh >> ~/.zshrc", "the same for zsh")
      .example("source <($0 completion)", "in this shell only"),
    handler: (args: ArgumentsCamelCase<CompletionArgs>) => {
      const shell = args.shell ?? shellOf(process.env);
      // yargs prints with console.log; caught here to add to it (see below).
      const log = console.log;
      let script = "";
      console.log = (...parts: unknown[]) => { script += `${parts.join(" ")}\n`; };
      try {
        print();
      } finally {
        console.log = log;
      }
      const call = shell === "zsh" ? "SHELL=/bin/zsh herald --get-yargs-completions" : "SHELL=/bin/bash ZSH_NAME= herald --get-yargs-completions";
      script = script.replaceAll("herald --get-yargs-completions", call);
      // The preamble goes after "#compdef herald", which must stay the first line for zsh's
      // autoloading from $fpath.
      process.stdout.write(shell === "zsh" ? script.replace(/^(#compdef herald\n)?/, (first) => `${first}${ZSH_PREAMBLE}`) : script);
    },
  };
}
