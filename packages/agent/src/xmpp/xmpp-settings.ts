// Resolve what an agent needs to log in, from git config and the environment, before any side
// effect: the password from herald.passwordFile or HERALD_PASSWORD (never from git config, never
// logged), the service (default xmpp://<domain>:5222), the pubsub service (default pubsub.<domain>)
// and the repository id (herald.repo, default the root commit, so every clone agrees unasked).
import { isRepoId } from "@herald/protocol";
import { readFile } from "node:fs/promises";
import type { AgentConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import type { GitRepo } from "../git/repo.js";
import type { SessionOptions } from "./session.js";

export interface XmppSettings { session: SessionOptions; pubsub: string; repoId: string }

export async function resolveXmppSettings(repo: GitRepo, config: AgentConfig, env: Record<string, string | undefined>): Promise<XmppSettings> {
  const jid = config.jid!;
  const domain = jid.split("@")[1]!;
  let password = env.HERALD_PASSWORD;
  if (config.passwordFile) {
    const text = await readFile(config.passwordFile, "utf8").catch((e: Error) => {
      throw new ConfigError("herald.passwordFile", `cannot read ${config.passwordFile}: ${e.message}`);
    });
    password = text.replace(/\r?\n$/, "");
  }
  if (!password) throw new ConfigError("herald.passwordFile", "herald.jid is set but there is no password: set herald.passwordFile or HERALD_PASSWORD");
  const roots = (await repo.tryRun(["rev-list", "--max-parents=0", "HEAD"]))?.trim().split("\n").filter(Boolean).sort() ?? [];
  const repoId = config.repo ?? roots[0];
  if (!repoId || !isRepoId(repoId)) throw new ConfigError("herald.repo", "no repository id: set herald.repo or make a first commit");
  return {
    session: {
      jid, password,
      service: config.service ?? `xmpp://${domain}:5222`,
      resource: `herald-${config.node}`.slice(0, 64),
      allowInsecure: config.allowInsecure,
      debugStanzas: env.HERALD_DEBUG_XMPP === "1",
    },
    pubsub: config.pubsub ?? `pubsub.${domain}`,
    repoId,
  };
}
