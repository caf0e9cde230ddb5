// Shared by the agent's integration tests: start agents on sandbox clones, collect their log.
import { createLogger, type LogRecord } from "@herald/agent";
import { Agent, type AgentOptions } from "@herald/agent";

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

export async function stopAll(running: Record<string, Running> | Running[]): Promise<void> {
  await Promise.all(Object.values(running).map((r) => r.agent.stop()));
}
