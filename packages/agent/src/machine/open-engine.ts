// Opening a repository for syncing: every setting is read and validated (the machine's file
// first, the clone's own config over it) before any side effect.
import { parseConfig, readConfigEntries } from "../config.js";
import { GitRepo } from "../git/repo.js";
import { mergeConfigEntries } from "./machine-config.js";
import type { Logger } from "../log.js";
import { resolveXmppSettings } from "../xmpp/xmpp-settings.js";
import { RepoEngine, type EngineOptions } from "../engine/engine.js";

export interface OpenOptions extends EngineOptions {
  log: Logger;
  /** Machine settings (machine-config.ts), under the clone's own. */
  machine?: Array<[string, string]>;
  /** The clone's herald.* and remote.* entries, when already read (default: read them now). */
  clone?: Array<[string, string]>;
  /** Where HERALD_PASSWORD and HERALD_DEBUG_XMPP are read from. */
  env: Record<string, string | undefined>;
  /** The XMPP resource of a login shared by many repositories (default: one per clone). */
  resource?: string;
  /** Records carry the repository's path (a daemon's log mixes many). */
  tagRepo?: boolean;
}

export async function openEngine(dir: string, o: OpenOptions): Promise<RepoEngine> {
  const repo = await GitRepo.open(dir);
  try {
    const config = parseConfig(mergeConfigEntries(o.machine ?? [], o.clone ?? (await readConfigEntries(repo))), repo.dir);
    const xmpp = config.jid ? await resolveXmppSettings(repo, config, o.env) : null;
    if (xmpp && o.resource) xmpp.session.resource = o.resource;
    const log = o.log.with({ node: config.node, ...(o.tagRepo ? { repo: repo.dir } : {}) });
    return new RepoEngine(repo, config, xmpp, log, o);
  } catch (e) {
    repo.close();
    throw e;
  }
}
