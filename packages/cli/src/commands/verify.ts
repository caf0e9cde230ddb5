// `herald verify [--repo DIR] [--json]`: checks the clone's incoming tips against its trust policy
// (herald.verify, herald.allowedSigners) and prints what would be refused, without an agent.
// Exit 0 when every tip passes, 1 when one would be refused, 2 for bad settings.
import { resolve } from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

export const verifyCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "verify",
  describe: "Check what peers brought in against herald.verify and print what would be refused",
  builder: (y) => withRepo(y)
    .option("json", { type: "boolean", describe: "machine-readable output" })
    .example("$0 verify", "every peer's tip of the checked-out branch: merged or refused, and why")
    .example("$0 verify --json --repo ~/notes", "the same as JSON, for scripts"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    if (args.repo === "") throw new CliError("--repo needs a directory");
    const { keyFiles, refusalText, verifyClone } = await import("@herald/agent");
    const v = await verifyClone(args.repo === undefined ? process.cwd() : resolve(args.repo));
    if (args.json) process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    else {
      const lines = [`${v.repo}: ${v.branch.replace(/^refs\/heads\//, "")} at ${v.head.slice(0, 10)}; herald.verify=${v.settings.mode}${v.settings.mode === "off" ? " (checked as if signed)" : ""}, signers from ${keyFiles(v.settings)}`];
      for (const t of v.trusted) lines.push(`ok ${t.ref} at ${t.tip.slice(0, 10)}`);
      for (const r of v.refused) lines.push(`REFUSED ${refusalText(r)}`);
      if (v.trusted.length + v.refused.length === 0) lines.push("no incoming tips");
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    if (v.refused.length) process.exitCode = 1;
  },
};
