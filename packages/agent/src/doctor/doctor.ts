// `herald doctor`: everything a sync needs, checked now, one line each with the fix. Machine-wide
// (git, inotify), then per repository (settings, remotes, git-annex) and over XMPP (login, TLS,
// node, publisher stamping, peers, clock). Read-only but for the probe item, which is retracted.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "../git/run-git.js";
import { resolveXmppSettings } from "../xmpp/xmpp-settings.js";
import { fail, judgeGitVersion, judgeInotify, type Check } from "./judge.js";
import { remoteCheck, repoChecks } from "./repo-checks.js";
import { xmppChecks } from "./xmpp-checks.js";

export interface DoctorOptions {
  /** The clones to check (in a clone: that one; elsewhere: the daemon's list). */
  dirs: string[];
  /** Machine settings (machine-config.ts), under each clone's own. */
  machine: Array<[string, string]>;
  /** HERALD_PASSWORD comes from here. */
  env: Record<string, string | undefined>;
  /** Each check's deadline (default CHECK_DEADLINE_MS). */
  timeoutMs?: number;
}

/** Each check's own deadline: one that hangs (a remote that never answers) fails alone. */
export const CHECK_DEADLINE_MS = 10_000;

export async function runDoctor(o: DoctorOptions): Promise<Check[]> {
  const deadline = o.timeoutMs ?? CHECK_DEADLINE_MS;
  const version = await runGit("/", ["version"], { timeoutMs: deadline }).then((r) => (r.code === 0 ? r.stdout : null), () => null);
  const checks: Check[] = [judgeGitVersion(version)];
  let watched = 0;
  const perRepo = await Promise.all(o.dirs.map(async (dir) => {
    const { checks: found, repo, config, remotes } = await repoChecks(dir, o.machine, deadline);
    if (!repo || !config) return found;
    let heard: ReadonlySet<string> | null = null;
    const over: Check[] = [];
    try {
      watched += (await countDirs(join(repo.gitDir, "refs"))) + (config.autocommit ? await countDirs(repo.dir, ".git") : 0);
      if (config.jid) {
        const x = await resolveXmppSettings(repo, config, o.env).catch((e: Error) => e);
        if (x instanceof Error) over.push(fail(`${dir} xmpp`, x.message, "herald init (or herald init --machine)"));
        else {
          const found = await xmppChecks(x, config.peers, deadline);
          heard = found.heard;
          over.push(...found.checks.map((c) => ({ ...c, name: `${dir} ${c.name}` })));
        }
      }
    } finally {
      repo.close();
    }
    return [...found, ...remotes.map((r) => remoteCheck(dir, r, heard, config.node)), ...over];
  }));
  checks.push(judgeInotify(await inotifyLimit(), watched), ...perRepo.flat());
  if (o.dirs.length === 0) checks.push(fail("repositories", "none to check: not in a clone, and the daemon's list is empty", "herald add DIR (or run herald doctor in a clone)"));
  return checks;
}

async function inotifyLimit(): Promise<number | null> {
  const text = await readFile("/proc/sys/fs/inotify/max_user_watches", "utf8").catch(() => null);
  return text === null ? null : Number(text.trim()) || null;
}

/** Directories under `dir` (itself included), skipping `skip` at the top. */
async function countDirs(dir: string, skip?: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let n = 1;
  for (const e of entries) if (e.isDirectory() && e.name !== skip) n += await countDirs(join(dir, e.name));
  return n;
}
