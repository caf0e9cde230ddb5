// `herald peer add JID`: the repository's node becomes private to its allow-list. Trust has two
// halves: this clone acts only on announcements whose server-stamped publisher is on herald.peer
// (announcement-filter.ts), and the node's owner decides who may read and publish at all:
// XEP-0060 §4.5 access model `whitelist` (only affiliated JIDs may subscribe and retrieve items),
// §16.4.4 publish model `publishers` (only owners and publishers may publish), and a `publisher`
// affiliation per allow-listed JID (§4.1, set by the owner as in §8.9.2). A JID of another server
// reaches the node over server-to-server federation; the node never needs to know.
import { pubsubNodeName } from "@herald/protocol";
import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { parseConfig, readConfigEntries } from "../config.js";
import { ConfigError, HeraldError, XmppStanzaError } from "../errors.js";
import { GitRepo } from "../git/repo.js";
import { mergeConfigEntries } from "../machine/machine-config.js";
import { withLogin } from "./login-once.js";
import { grantAllOrNothing, HalfGrantedError } from "./node-grant.js";
import { PubsubNode } from "./pubsub-node.js";
import { resolveXmppSettings } from "./xmpp-settings.js";

export { grantPeers, PRIVATE_NODE_CONFIG } from "./node-grant.js";

// No leading "-": the JID is an argument of `git config`, never to be read as an option.
const BARE_JID = /^(?!-)[^@/\s"'<>&]+@[^@/\s"'<>&]+$/;

/** git would refuse to write the clone's config (read-only, or another git holds its lock). */
async function configUnwritable(repo: GitRepo): Promise<string | null> {
  const file = resolve(repo.dir, (await repo.run(["rev-parse", "--git-path", "config"])).trim());
  if (await access(`${file}.lock`).then(() => true, () => false)) return `${file}.lock exists (another git command is running, or one crashed: remove it if none runs)`;
  return access(file, constants.W_OK).then(() => null, (e: NodeJS.ErrnoException) => `${file}: ${e.code ?? e.message}`);
}

export interface AddPeerOptions {
  dir: string;
  jid: string;
  /** machine settings (machine-config.ts), under the clone's own */
  machine: Array<[string, string]>;
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface AddPeerResult {
  /** false: herald.peer listed it already */
  listed: boolean;
  owner: string;
  pubsub: string;
  node: string;
  affiliations: Record<string, string>;
}

/**
 * Lists `jid` in the clone's herald.peer and grants every listed peer on the node. Nothing changes
 * unless all of it can: the checks come first (the JID, the settings, a writable config, the login,
 * the node ours), and a step that fails after the server changed puts the node back.
 */
export async function addPeer(o: AddPeerOptions): Promise<AddPeerResult> {
  const jid = o.jid.toLowerCase();
  if (!BARE_JID.test(jid)) throw new ConfigError("herald.peer", `${JSON.stringify(o.jid)} is not a bare JID (user@domain)`);
  const repo = await GitRepo.open(o.dir);
  try {
    const own = await readConfigEntries(repo);
    const config = parseConfig(mergeConfigEntries(o.machine, own), repo.dir);
    if (!config.jid) throw new ConfigError("herald.jid", "not set: the grant is made by this clone's XMPP account, the node's owner (herald init)");
    const owner = config.jid.toLowerCase();
    if (jid === owner) throw new ConfigError("herald.peer", `${jid} is this clone's own account`);
    const listed = !config.peers.some((p) => p.toLowerCase() === jid);
    // A clone's herald.peer list replaces the machine's (machine-config.ts): a clone that had
    // none of its own takes the machine's list with it, so adding one drops nobody.
    const toAdd = !listed ? [] : [...(own.some(([k]) => k === "herald.peer") ? [] : config.peers), jid];
    const unwritable = toAdd.length ? await configUnwritable(repo) : null;
    if (unwritable) throw new HeraldError("CONFIG_UNWRITABLE", `cannot write herald.peer to the clone's config: ${unwritable}`);
    const x = await resolveXmppSettings(repo, config, o.env);
    const timeoutMs = o.timeoutMs ?? 15_000;
    const node = pubsubNodeName(x.repoId);
    const peers = [...config.peers, jid];
    const affiliations = await withLogin(x.session, timeoutMs, async (session) => {
      const n = new PubsubNode(session, x.pubsub, node);
      try {
        return await grantAllOrNothing(n, owner, peers, timeoutMs, async () => {
          for (const p of toAdd) await repo.run(["config", "--add", "--", "herald.peer", p]);
        });
      } catch (e) {
        if (e instanceof XmppStanzaError && e.condition === "forbidden") {
          throw new HeraldError("NOT_OWNER", `${owner} does not own ${node} on ${x.pubsub}: run herald peer add on the clone whose account created it (or one the pubsub service's admins list)`);
        }
        if (e instanceof HalfGrantedError) throw new HeraldError("GRANT_HALF_DONE", e.message);
        throw e;
      }
    }, (reason) => { throw new HeraldError("XMPP_LOGIN", `${owner} on ${x.session.service}: ${reason}`); });
    return { listed, owner, pubsub: x.pubsub, node, affiliations };
  } finally {
    repo.close();
  }
}
