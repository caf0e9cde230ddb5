// `herald peer add JID`: the repository's node becomes private to its allow-list. Trust has two
// halves: this clone acts only on announcements whose server-stamped publisher is on herald.peer
// (announcement-filter.ts), and the node's owner decides who may read and publish at all:
// XEP-0060 §4.5 access model `whitelist` (only affiliated JIDs may subscribe and retrieve items),
// §16.4.4 publish model `publishers` (only owners and publishers may publish), and a `publisher`
// affiliation per allow-listed JID (§4.1, set by the owner as in §8.9.2). A JID of another server
// reaches the node over server-to-server federation; the node never needs to know.
import { pubsubNodeName } from "@herald/protocol";
import { parseConfig, readConfigEntries } from "../config.js";
import { ConfigError, HeraldError, XmppStanzaError } from "../errors.js";
import { GitRepo } from "../git/repo.js";
import { mergeConfigEntries } from "../machine/machine-config.js";
import { withLogin, within } from "./login-once.js";
import { PubsubNode } from "./pubsub-node.js";
import { resolveXmppSettings } from "./xmpp-settings.js";

export const PRIVATE_NODE_CONFIG = {
  "pubsub#access_model": "whitelist",
  "pubsub#publish_model": "publishers",
} as const;

// No leading "-": the JID is an argument of `git config`, never to be read as an option.
const BARE_JID = /^(?!-)[^@/\s"'<>&]+@[^@/\s"'<>&]+$/;

/**
 * Affiliations first, then the access model: a node switched to whitelist before its peers are
 * affiliated would lock them out meanwhile. The owner keeps its own affiliation (not listed).
 */
export async function grantPeers(node: PubsubNode, owner: string, peers: readonly string[]): Promise<Record<string, string>> {
  const others = [...new Set(peers.map((p) => p.toLowerCase()))].filter((p) => p !== owner.toLowerCase());
  if (others.length) await node.setAffiliations(Object.fromEntries(others.map((p) => [p, "publisher" as const])));
  await node.configure(PRIVATE_NODE_CONFIG);
  return node.affiliations();
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

/** Lists `jid` in the clone's herald.peer and grants every listed peer on the node. */
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
    if (listed) {
      // A clone's herald.peer list replaces the machine's (machine-config.ts): a clone that had
      // none of its own takes the machine's list with it, so adding one drops nobody.
      const inherited = own.some(([k]) => k === "herald.peer") ? [] : config.peers;
      for (const p of [...inherited, jid]) await repo.run(["config", "--add", "--", "herald.peer", p]);
    }
    const x = await resolveXmppSettings(repo, config, o.env);
    const timeoutMs = o.timeoutMs ?? 15_000;
    const node = pubsubNodeName(x.repoId);
    const affiliations = await withLogin(x.session, timeoutMs, async (session) => {
      const n = new PubsubNode(session, x.pubsub, node);
      try {
        // Created here if no agent has yet; a node that exists and is not ours answers forbidden.
        await within(n.ensure(), timeoutMs, "create node");
        return await within(grantPeers(n, owner, [...config.peers, jid]), timeoutMs, "grant");
      } catch (e) {
        if (e instanceof XmppStanzaError && e.condition === "forbidden") {
          throw new HeraldError("NOT_OWNER", `${owner} does not own ${node} on ${x.pubsub}: run herald peer add on the clone whose account created it (or one the pubsub service's admins list)`);
        }
        throw e;
      }
    }, (reason) => { throw new HeraldError("XMPP_LOGIN", `${owner} on ${x.session.service}: ${reason}`); });
    return { listed, owner, pubsub: x.pubsub, node, affiliations };
  } finally {
    repo.close();
  }
}
