// The doctor's checks of one clone: its settings, each remote reachable and what node it
// advertises (a read-only ls-remote, never a prompt, within the deadline), git-annex present where
// the clone is annexed. A remote's line is judged once the XMPP checks said which nodes were heard
// (remoteCheck).
import { parseConfig, readConfigEntries, type AgentConfig } from "../config.js";
import { GitRepo } from "../git/repo.js";
import { runGit } from "../git/run-git.js";
import { networkEnv } from "../git/ssh-env.js";
import { causeLines } from "../git/stderr-cause.js";
import { mergeConfigEntries } from "../machine/machine-config.js";
import { ADVERT_PREFIX, parseAdvertised } from "../sync/node-advert.js";
import { remoteNodeWarning } from "../sync/node-warnings.js";
import { localPath, resolveRemote } from "../sync/remotes.js";
import { openpgpKeysProblem, signersFileProblem } from "../verify/verifier.js";
import { keyFiles } from "../verify/verify-policy.js";
import { fail, ok, type Check } from "./judge.js";

/** A remote as the doctor found it: its answer (null: none), and the node ids it advertises. */

export interface RemoteProbe {
  name: string; url: string; setting?: string; error: string | null; advertised: string[];
  /** A repository on this machine: read as the agent reads it (bare or a clone, and its node). */
  local?: { kind: string; node?: string; path: string };
}

export interface RepoFindings { checks: Check[]; repo: GitRepo | null; config: AgentConfig | null; remotes: RemoteProbe[] }

export async function repoChecks(dir: string, machine: Array<[string, string]>, deadlineMs: number): Promise<RepoFindings> {
  const repo = await GitRepo.open(dir).catch(() => null);
  if (!repo) return { checks: [fail(dir, "not a git working tree (gone, or moved?)", `put it back, or: herald remove ${dir}`)], repo: null, config: null, remotes: [] };
  let config: AgentConfig;
  try {
    config = parseConfig(mergeConfigEntries(machine, await readConfigEntries(repo)), repo.dir);
  } catch (e) {
    repo.close();
    return { checks: [fail(`${dir} settings`, (e as Error).message, "git config (in the clone) or herald init")], repo: null, config: null, remotes: [] };
  }
  const checks: Check[] = [ok(`${dir} settings`, `node ${config.node}, ${config.remotes.length} remote(s)${config.jid ? `, xmpp as ${config.jid}` : ", git only"}`)];
  const remotes = await Promise.all(config.remotes.map(async (r): Promise<RemoteProbe> => {
    // A reachability test must fail, not wait for a password or a host key nobody will type; and
    // it makes its own connection (a master's deadlines are not the doctor's), with the user's ssh.
    const env = networkEnv({ env: process.env, coreSshCommand: config.sshCommand, controlDir: null });
    const res = await runGit(repo.dir, ["ls-remote", "--", r.name, "refs/heads/*", `${ADVERT_PREFIX}*`], { env, timeoutMs: deadlineMs });
    const error = res.code === 0 ? null : causeLines(res.stderr).join(" / ") || `git ls-remote exited ${res.code}`;
    const local = !error && localPath(r.url) !== null ? await resolveRemote(r, repo.dir) : null;
    return {
      name: r.name, url: r.url, ...(r.node ? { setting: r.node } : {}), error, advertised: error ? [] : parseAdvertised(res.stdout),
      ...(local ? { local: { kind: local.kind, path: local.path ?? r.url, ...(local.node ? { node: local.node } : {}) } } : {}),
    };
  }));
  if (config.verify.mode === "signed") {
    const { allowedSigners: ssh, allowedOpenpgpKeys: pgp } = config.verify;
    const problem = (ssh ? await signersFileProblem(ssh) : null) ?? (pgp ? await openpgpKeysProblem(repo.gitDir, pgp) : null);
    checks.push(problem ? fail(`${dir} herald.verify`, problem, "list the trusted keys there: one `email ssh-ed25519 AAAA…` line each, or gpg --export --armor output (docs/guide.md, signed history)") : ok(`${dir} herald.verify`, `signed, keys from ${keyFiles(config.verify)}`));
  }
  if ((await repo.config("annex.uuid")) !== null) {
    const annex = await runGit(repo.dir, ["annex", "version", "--raw"], { timeoutMs: deadlineMs });
    checks.push(annex.code === 0 ? ok(`${dir} git-annex`, `git-annex ${annex.stdout.trim()}`) : fail(`${dir} git-annex`, "the clone is annexed but git-annex is not installed", "apt-get install git-annex"));
  }
  return { checks, repo, config, remotes };
}

/** Pure: one remote's line. `heard`: nodes heard over XMPP (null: git only, or no login). */
export function remoteCheck(dir: string, r: RemoteProbe, heard: ReadonlySet<string> | null, self: string): Check {
  const name = `${dir} remote ${r.name}`;
  if (r.error !== null) return fail(name, `${r.url}: ${r.error}`, `check the URL (git remote get-url ${r.name}) and that the machine is up; a drive: plug it in`);
  // Over the network, nothing advertised and nothing set: a bare repository, or a clone Herald
  // never served (the agent tells them apart at the first push; status says which).
  const node = r.local ? r.local.node : r.setting ?? r.advertised[0];
  const kind = r.local ? r.local.kind : node ? "peer" : "bare";
  const warning = remoteNodeWarning({ name: r.name, kind, ...(node ? { node } : {}), ...(r.setting ? { setting: r.setting } : {}), ...(r.local ? { path: r.local.path } : {}), advertised: r.advertised }, heard, self);
  if (!warning) return ok(name, `reachable (${r.url})${node ? `, node ${node}` : ""}`);
  return fail(name, `${r.url}: ${warning}`, r.setting && !r.advertised.includes(r.setting) ? `git config --unset remote.${r.name}.herald-node` : "start Herald there (herald add DIR, with herald daemon running)");
}
