// Shared by the agent's integration tests: start agents on sandbox clones, collect their log.
import { createLogger, type LogRecord } from "@herald/agent";
import { Agent, type AgentOptions } from "@herald/agent";
import { git, type Sandbox, type XmppServer } from "@herald/testkit";
import { PubsubNode, Session, silentLogger } from "@herald/agent";
import { announcementToElement, type CommitAnnouncement } from "@herald/protocol";
import { xml } from "@xmpp/client";

export interface Running { agent: Agent; records: LogRecord[] }

export async function startAgents(clones: Record<string, string>, opts: Partial<AgentOptions> = {}): Promise<Record<string, Running>> {
  const out: Record<string, Running> = {};
  await Promise.all(Object.entries(clones).map(async ([name, dir]) => {
    out[name] = await startOne(dir, opts);
  }));
  return out;
}

export async function startOne(dir: string, opts: Partial<AgentOptions> = {}): Promise<Running> {
  const records: LogRecord[] = [];
  const log = createLogger([(r) => records.push(r), ...(process.env.HERALD_TEST_LOG ? [(r: LogRecord) => console.log(JSON.stringify(r))] : [])], "debug");
  const agent = await Agent.start({ repoDir: dir, log, ...opts });
  return { agent, records };
}

/** Give each clone its XMPP account on `server` (user = node name) and trust all the others; the
 * server's CA is trusted through herald.tlsCa, as a user would. */
export async function configureXmpp(sb: Sandbox, server: XmppServer, nodes: string[]): Promise<void> {
  for (const n of nodes) {
    const dir = sb.clones[n]!;
    await git(dir, "config", "herald.jid", `${n}@${server.domain}`);
    await git(dir, "config", "herald.service", server.service);
    await git(dir, "config", "herald.pubsub", server.pubsub);
    if (server.caFile) await git(dir, "config", "herald.tlsCa", server.caFile);
    for (const p of nodes.filter((m) => m !== n)) await git(dir, "config", "--add", "herald.peer", `${p}@${server.domain}`);
  }
}

export async function stopAll(running: Record<string, Running> | Running[]): Promise<void> {
  await Promise.all(Object.values(running).map((r) => r.agent.stop()));
}

/** Run `fn` as `user` on `server`, in a session of its own, with the pubsub node `node`. */
export async function asUser(server: XmppServer, node: string, user: string, fn: (s: Session, n: PubsubNode) => Promise<unknown>): Promise<void> {
  const s = new Session({ jid: `${user}@${server.domain}`, password: `${user}-pw`, service: server.service, ...(server.caFile ? { tlsCa: server.caFile } : {}) }, silentLogger);
  await s.start();
  try {
    await fn(s, new PubsubNode(s, server.pubsub, node));
  } finally {
    await s.stop();
  }
}

/**
 * Five items an agent must drop, given a genuine announcement `good` from n1: the same from a
 * stranger (mallory), an option smuggled in as the ref, an unknown protocol version, another
 * repository, and junk. Expected drops: stranger 1, malformed 3, other-repo 1.
 */
export async function publishHostileItems(server: XmppServer, node: string, good: CommitAnnouncement): Promise<void> {
  const publish = (user: string, id: string, payload: ReturnType<typeof xml>) => asUser(server, node, user, (_s, n) => n.publish(id, payload));
  await publish("mallory", "m1", announcementToElement(good));
  await publish("n1", "h1", xml("announce", { xmlns: "urn:herald:0", version: "1", repo: good.repo, ref: "--upload-pack=touch /tmp/pwned", sha: good.sha, node: "n1", seq: "1", time: "2026-01-01T00:00:00Z" }));
  await publish("n1", "h2", xml("announce", { xmlns: "urn:herald:0", version: "9", repo: good.repo }));
  await publish("n1", "h3", announcementToElement({ ...good, repo: "f".repeat(40) }));
  await publish("n1", "h4", xml("junk", { xmlns: "urn:evil" }, xml("nested", {}, "x".repeat(10_000))));
}
