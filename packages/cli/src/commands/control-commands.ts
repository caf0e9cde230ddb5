// The commands that talk to a running agent over its control socket: status, sync, pause, resume.
import type { AgentStatus, MachineStatus, RemoteSyncReport } from "@herald/agent";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { ask } from "../control-client.js";
import type { GlobalArgs } from "../global-args.js";

export interface RepoArgs extends GlobalArgs { repo?: string; json?: boolean }

export const withRepo = <T>(y: Argv<T>) =>
  y.option("repo", { type: "string", requiresArg: true, describe: "the clone", defaultDescription: "current directory" });

export const statusCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "status",
  describe: "What Herald is doing: head, peers, ahead/behind, retries, conflicts",
  builder: (y) => withRepo(y)
    .option("json", { type: "boolean", describe: "machine-readable output" })
    .example("$0 status", "in a clone: a readable summary of it; elsewhere: every repository, one line each")
    .example("$0 status --json --repo ~/notes", "one clone as JSON, for scripts"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    const s = (await ask(args.repo, "status")) as AgentStatus | MachineStatus;
    const { renderMachineStatus, renderStatus } = await import("../render/status.js");
    const text = args.json ? JSON.stringify(s, null, 2) : "repos" in s ? renderMachineStatus(s) : renderStatus(s, Date.now());
    process.stdout.write(`${text}\n`);
    if ("error" in s && s.error) process.exitCode = 1;
  },
};

export const syncCommand: CommandModule<GlobalArgs, RepoArgs> = {
  command: "sync",
  describe: "Fetch from and push to every remote now, and report per remote",
  builder: (y) => withRepo(y).example("$0 sync", "sync now instead of waiting for the next change"),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    if (process.stderr.isTTY) process.stderr.write("syncing with every remote…\n");
    const reply = (await ask(args.repo, "sync")) as RemoteSyncReport[] | Array<{ repo: string; report: RemoteSyncReport[] }>;
    // Outside a clone the daemon syncs every repository: the same lines, under each one's path.
    const each = reply.length > 0 && "report" in reply[0]! ? (reply as Array<{ repo: string; report: RemoteSyncReport[] }>) : [{ repo: "", report: reply as RemoteSyncReport[] }];
    for (const { repo, report } of each) {
      const indent = repo ? "  " : "";
      if (repo) process.stdout.write(`${repo}:\n`);
      for (const r of report) {
        process.stdout.write(`${indent}${r.remote}: ${r.pushed ? "up to date" : `push failed: ${(r.error ?? "").split("\n")[0]} (queued for retry)`}${r.fetched ? "" : "; fetch failed"}\n`);
      }
      if (report.length === 0) process.stdout.write(`${indent}no remotes configured\n`);
      if (report.some((r) => !r.pushed)) process.exitCode = 1;
    }
  },
};

const toggle = (cmd: "pause" | "resume", describe: string, done: string): CommandModule<GlobalArgs, RepoArgs> => ({
  command: cmd,
  describe,
  builder: (y) => withRepo(y).example(`$0 ${cmd}`, describe),
  handler: async (args: ArgumentsCamelCase<RepoArgs>) => {
    await ask(args.repo, cmd);
    process.stdout.write(`${done}\n`);
  },
});

export const pauseCommand = toggle("pause", "Stop merging and pushing until resume", "paused (herald resume to continue)");
export const resumeCommand = toggle("resume", "Start syncing again after pause", "resumed");
