// `herald transfers [pause|resume|cancel KEY|--all]`: git-annex content transfers, per repository
// (queued, running with bytes, rate and time left, done, failed), and control over them. Pause and
// cancel stop a running git-annex at once; its partial content stays, so resume continues it.
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import { ask } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

interface ControlReply { repo: string; annexed: boolean; changed?: number; running?: number; queued?: number }

/**
 * Pure: what a pause, resume or cancel did, in words. `--all` acts on what comes later too (a
 * pause holds back transfers queued after it), so it succeeds with nothing running; one key
 * that matched no transfer is a failure that says so.
 */
export function outcome(action: "pause" | "resume" | "cancel", key: string | null, reply: ControlReply[]): { ok: boolean; text: string } {
  const annexed = reply.filter((r) => r.annexed);
  if (annexed.length === 0) return { ok: false, text: `${reply.map((r) => r.repo).join(", ") || "no repository"}: not a git-annex repository, so no transfers to ${action}` };
  const n = annexed.reduce((s, r) => s + (r.changed ?? 0), 0);
  const running = annexed.reduce((s, r) => s + (r.running ?? 0), 0);
  const transfers = (k: number) => `${k} transfer${k === 1 ? "" : "s"}`;
  if (key === null) {
    if (action === "pause") return { ok: true, text: `transfers paused (${running} running); new ones wait until: herald transfers resume --all` };
    const queued = annexed.reduce((s, r) => s + (r.queued ?? 0), 0);
    if (action === "resume") return { ok: true, text: `transfers resumed (${queued} to go)` };
    return { ok: true, text: n ? `cancelled ${transfers(n)}` : "no transfers to cancel" };
  }
  if (n === 0) return { ok: false, text: `no transfer of ${key} to ${action} (herald transfers lists them)` };
  return { ok: true, text: `${action === "pause" ? "paused" : action === "resume" ? "resumed" : "cancelled"} ${transfers(n)}` };
}

interface TransfersArgs extends RepoArgs { action?: "pause" | "resume" | "cancel"; key?: string; all?: boolean }

export const transfersCommand: CommandModule<GlobalArgs, TransfersArgs> = {
  command: "transfers [action] [key]",
  describe: "git-annex content transfers: list them, or pause, resume or cancel one (by key) or --all",
  builder: (y) => withRepo(y)
    .positional("action", { choices: ["pause", "resume", "cancel"] as const, describe: "what to do (none: list)" })
    .positional("key", { type: "string", describe: "the git-annex key (git annex lookupkey FILE)" })
    .option("all", { type: "boolean", describe: "every transfer; a pause also holds back those queued later, until resume --all" })
    .option("json", { type: "boolean", describe: "machine-readable output" })
    .example("$0 transfers", "queued, running, done and failed transfers")
    .example("$0 transfers pause --all", "stop every transfer until resume"),
  handler: async (args: ArgumentsCamelCase<TransfersArgs>) => {
    if (!args.action) {
      const reply = (await ask(args.repo, "transfers", { action: "list" })) as import("../render/transfers.js").RepoTransfers[];
      const { renderTransfers } = await import("../render/transfers.js");
      process.stdout.write(`${args.json ? JSON.stringify(reply, null, 2) : renderTransfers(reply, Date.now())}\n`);
      return;
    }
    if (!args.key && !args.all) throw new CliError(`herald transfers ${args.action}: name a key, or --all`);
    if (args.key && args.all) throw new CliError(`herald transfers ${args.action}: a key or --all, not both`);
    const reply = (await ask(args.repo, "transfers", { action: args.action, ...(args.key ? { key: args.key } : {}) })) as ControlReply[];
    if (args.json) process.stdout.write(`${JSON.stringify(reply)}\n`);
    const said = outcome(args.action, args.key ?? null, reply);
    if (!args.json) (said.ok ? process.stdout : process.stderr).write(`${said.ok ? "" : "herald: "}${said.text}\n`);
    if (!said.ok) process.exitCode = 1;
  },
};
