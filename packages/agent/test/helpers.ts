// Shared by the agent's integration tests: start agents on sandbox clones, collect their log.
import { createLogger, type LogRecord } from "@herald/agent";
import { Agent, type AgentOptions } from "@herald/agent";
import { git, type Sandbox, type XmppServer } from "@herald/testkit";

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

/** Give each clone its XMPP account on `server` (user = node name) and trust all the others. */
export async function configureXmpp(sb: Sandbox, server: XmppServer, nodes: string[]): Promise<void> {
  for (const n of nodes) {
    const dir = sb.clones[n]!;
    await git(dir, "config", "herald.jid", `${n}@${server.domain}`);
    await git(dir, "config", "herald.service", server.service);
    await git(dir, "config", "herald.pubsub", server.pubsub);
    for (const p of nodes.filter((m) => m !== n)) await git(dir, "config", "--add", "herald.peer", `${p}@${server.domain}`);
  }
}

export async function stopAll(running: Record<string, Running> | Running[]): Promise<void> {
  await Promise.all(Object.values(running).map((r) => r.agent.stop()));
}
