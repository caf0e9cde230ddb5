// Agents in the test process (a minimal copy of packages/agent/test/helpers.ts, which tests of
// another package may not import): they make the real conflicts the CLI is then run against.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Agent, silentLogger } from "@herald/agent";

const execFileP = promisify(execFile);

export function startAgents(dirs: string[], env: (dir: string) => Record<string, string> = () => ({})): Promise<Agent[]> {
  return Promise.all(dirs.map((repoDir) => Agent.start({ repoDir, log: silentLogger, env: env(repoDir) })));
}

export async function stopAgents(agents: Agent[]): Promise<void> {
  await Promise.all(agents.map((a) => a.stop()));
}

/** Commits as the clone's own user (testkit's commitFile commits as one fixed test identity). */
/** `date` (unix seconds): the commit's author and committer date, for a commit that must be the newer. */
export async function commitAsUser(dir: string, path: string, content: string, date?: number): Promise<string> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
  await execFileP("git", ["add", "--", path], { cwd: dir });
  const env = date === undefined ? process.env : { ...process.env, GIT_AUTHOR_DATE: `${date} +0000`, GIT_COMMITTER_DATE: `${date} +0000` };
  await execFileP("git", ["commit", "-q", "-m", `edit ${path}`], { cwd: dir, env });
  return (await execFileP("git", ["rev-parse", "HEAD"], { cwd: dir })).stdout.trim();
}
