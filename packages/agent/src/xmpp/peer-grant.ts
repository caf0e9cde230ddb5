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
import { withLogin, within } from "./login-once.js";
import { PubsubNode, type Affiliation } from "./pubsub-node.js";
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
  const others = grantees(owner, peers);
  if (others.length) await node.setAffiliations(Object.fromEntries(others.map((p) => [p, "publisher" as const])));
  await node.configure(PRIVATE_NODE_CONFIG);
  return node.affiliations();
}

function grantees(owner: string, peers: readonly string[]): string[] {
  return [...new Set(peers.map((p) => p.toLowerCase()))].filter((p) => p !== owner.toLowerCase());
}

/** What a grant may change, read before it does, so that a failure can put it back. */
interface Before { created: boolean; affiliations: Record<string, string>; config: Record<string, string> }

/** Creates the node if no agent has yet; owner-only reads, so a node not ours fails here, unchanged. */
async function readBefore(node: PubsubNode): Promise<Before> {
  const created = (await node.ensure()) === "created";
  const affiliations = await node.affiliations();
  const config = created ? {} : await node.configuration();
  return { created, affiliations, config };
}

/** Puts back what grantPeers changed: the node it created goes, affiliations and models return. */
async function undo(node: PubsubNode, before: Before, owner: string, peers: readonly string[]): Promise<void> {
  if (before.created) return node.delete();
  const changed = grantees(owner, peers).filter((p) => before.affiliations[p] !== "publisher");
  if (changed.length) await node.setAffiliations(Object.fromEntries(changed.map((p) => [p, (before.affiliations[p] ?? "none") as Affiliation])));
  const config = Object.fromEntries(Object.keys(PRIVATE_NODE_CONFIG).filter((k) => before.config[k]).map((k) => [k, before.config[k]!]));
  if (Object.keys(config).length) await node.configure(config);
}

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
      const before = await within(readBefore(n), timeoutMs, "read the node").catch((e: unknown) => {
        if (e instanceof XmppStanzaError && e.condition === "forbidden") {
          throw new HeraldError("NOT_OWNER", `${owner} does not own ${node} on ${x.pubsub}: run herald peer add on the clone whose account created it (or one the pubsub service's admins list)`);
        }
        throw e;
      });
      try {
        const granted = await within(grantPeers(n, owner, peers), timeoutMs, "grant");
        for (const p of toAdd) await repo.run(["config", "--add", "--", "herald.peer", p]);
        return granted;
      } catch (e) {
        await within(undo(n, before, owner, peers), timeoutMs, "undo the grant").catch((u: Error) => {
          throw new HeraldError("GRANT_HALF_DONE", `${(e as Error).message}; and putting ${node} back failed too (${u.message}): run herald peer add again`);
        });
        throw e;
      }
    }, (reason) => { throw new HeraldError("XMPP_LOGIN", `${owner} on ${x.session.service}: ${reason}`); });
    return { listed, owner, pubsub: x.pubsub, node, affiliations };
  } finally {
    repo.close();
  }
}
