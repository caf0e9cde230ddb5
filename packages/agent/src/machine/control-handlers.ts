// What the control socket's commands do on a machine: with a repository, that one; without,
// every repository served (status: one entry each, errors included).
import type { ControlHandlers } from "../control/socket-server.js";
import type { RepoEngine } from "../engine/engine.js";
import { HeraldError } from "../errors.js";
import type { LogRecord } from "../log.js";
import type { Machine } from "./machine.js";

export interface MachineStatus { pid: number; repos: Awaited<ReturnType<Machine["statuses"]>> }

/** `webUrl`: where the dashboard serves now, if it does (the root that started it knows). */
export function controlHandlers(m: Machine, webUrl: () => string | null = () => null): ControlHandlers {
  const engineOf = async (repo: string): Promise<RepoEngine> => {
    const slot = m.find(repo);
    if (slot.engine) return slot.engine;
    const down = await m.status(slot.dir); // waits for an engine restarting on changed settings
    if (slot.engine) return slot.engine;
    throw new HeraldError("REPO_DOWN", `${slot.dir} is not syncing: ${down.error}`);
  };
  const targets = async (repo?: string): Promise<RepoEngine[]> => (repo ? [await engineOf(repo)] : m.engines());
  /** Records about `repo` (and machine-wide ones); the repository is looked up once, not per record. */
  const ofRepo = (repo?: string) => {
    const dir = repo === undefined ? undefined : m.find(repo).dir;
    return (r: LogRecord) => dir === undefined || r.repo === undefined || r.repo === dir;
  };
  const records = (n: number) => m.events.recent("log", n).map((e) => e.data as LogRecord);
  return {
    status: async (repo) => (repo ? m.status(repo) : ({ pid: process.pid, repos: await m.statuses() } satisfies MachineStatus)),
    sync: async (repo) => {
      if (repo) return (await engineOf(repo)).sync();
      return Promise.all(m.engines().map(async (e) => ({ repo: e.repo.dir, report: await e.sync() })));
    },
    pause: async (repo) => {
      for (const e of await targets(repo)) e.pause();
      void m.updatePresence();
      return { paused: true };
    },
    resume: async (repo) => {
      for (const e of await targets(repo)) e.resume();
      void m.updatePresence();
      return { paused: false };
    },
    map: async (repo) => {
      const engines = await targets(repo);
      if (engines.length !== 1) throw new HeraldError("USAGE", "name the repository: --repo DIR (this daemon serves several)");
      return { node: engines[0]!.node, adverts: engines[0]!.plan.adverts() };
    },
    // git-annex content transfers: listed per repository, or paused/resumed/cancelled by key (or all).
    transfers: async (repo, action, key) => (await targets(repo)).map((e) => ({
      repo: e.repo.dir, annexed: e.content.annexed,
      ...(action === "list" ? { transfers: e.content.transfers() } : { changed: e.content.control(action, key) }),
    })),
    // The dashboard's address (`herald open`); never the key, which the user's own file holds.
    web: async () => ({ url: webUrl() }),
    recentLog: (lines, repo) => records(Number.MAX_SAFE_INTEGER).filter(ofRepo(repo)).slice(-lines),
    onLog: (fn, repo) => {
      const keep = ofRepo(repo);
      return m.events.listen((e) => { if (e.type === "log" && keep(e.data as LogRecord)) fn(e.data as LogRecord); });
    },
  };
}
