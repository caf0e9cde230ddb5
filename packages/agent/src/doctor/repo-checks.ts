// The doctor's checks of one clone: its settings, each remote reachable (a read-only ls-remote,
// never a prompt), git-annex present where the clone is annexed.
import { parseConfig, readConfigEntries, type AgentConfig } from "../config.js";
import { GitRepo } from "../git/repo.js";
import { runGit } from "../git/run-git.js";
import { mergeConfigEntries } from "../machine/machine-config.js";
import { fail, ok, type Check } from "./judge.js";

/** A reachability test must fail, not wait for a password or a host key nobody will type. */
const NO_PROMPT = { GIT_TERMINAL_PROMPT: "0", GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes -o ConnectTimeout=5" };

export async function repoChecks(dir: string, machine: Array<[string, string]>): Promise<{ checks: Check[]; repo: GitRepo | null; config: AgentConfig | null }> {
  const repo = await GitRepo.open(dir).catch(() => null);
  if (!repo) return { checks: [fail(dir, "not a git working tree (gone, or moved?)", `put it back, or: herald remove ${dir}`)], repo: null, config: null };
  let config: AgentConfig;
  try {
    config = parseConfig(mergeConfigEntries(machine, await readConfigEntries(repo)), repo.dir);
  } catch (e) {
    repo.close();
    return { checks: [fail(`${dir} settings`, (e as Error).message, "git config (in the clone) or herald init")], repo: null, config: null };
  }
  const checks: Check[] = [ok(`${dir} settings`, `node ${config.node}, ${config.remotes.length} remote(s)${config.jid ? `, xmpp as ${config.jid}` : ", git only"}`)];
  await Promise.all(config.remotes.map(async (r) => {
    const res = await runGit(repo.dir, ["ls-remote", "--heads", "--", r.name], { env: NO_PROMPT });
    checks.push(res.code === 0 ? ok(`${dir} remote ${r.name}`, `reachable (${r.url})`)
      : fail(`${dir} remote ${r.name}`, `${r.url}: ${res.stderr.trim().split("\n").pop() || `git ls-remote exited ${res.code}`}`, `check the URL (git remote get-url ${r.name}) and that the machine is up; a drive: plug it in`));
  }));
  if ((await repo.config("annex.uuid")) !== null) {
    const annex = await runGit(repo.dir, ["annex", "version", "--raw"]);
    checks.push(annex.code === 0 ? ok(`${dir} git-annex`, `git-annex ${annex.stdout.trim()}`) : fail(`${dir} git-annex`, "the clone is annexed but git-annex is not installed", "apt-get install git-annex"));
  }
  return { checks, repo, config };
}
