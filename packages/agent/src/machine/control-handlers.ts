// What the control socket's commands do on a machine: with a repository, that one; without,
// every repository served (status: one entry each, errors included).
import type { ControlHandlers } from "../control/socket-server.js";
import type { RepoEngine } from "../engine/engine.js";
import { HeraldError } from "../errors.js";
import type { LogRecord } from "../log.js";
import type { Machine } from "./machine.js";

export interface MachineStatus { pid: number; repos: Awaited<ReturnType<Machine["statuses"]>> }

export function controlHandlers(m: Machine): ControlHandlers {
  const engineOf = async (repo: string): Promise<RepoEngine> => {
    const slot = m.find(repo);
    if (slot.engine) return slot.engine;
    throw new HeraldError("REPO_DOWN", `${slot.dir} is not syncing: ${(await m.status(slot.dir)).error}`);
  };
  const targets = async (repo?: string): Promise<RepoEngine[]> => (repo ? [await engineOf(repo)] : m.engines());
  const ofRepo = (repo?: string) => (r: LogRecord) => !repo || r.repo === undefined || r.repo === m.find(repo).dir;
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
    // The dashboard's address (`herald open`); never the key, which the user's own file holds.
    web: async () => ({ url: m.webUrl }),
    recentLog: (lines, repo) => m.ring.recent(10_000).filter(ofRepo(repo)).slice(-lines),
    onLog: (fn, repo) => {
      const keep = ofRepo(repo);
      return m.ring.listen((r) => { if (keep(r)) fn(r); });
    },
  };
}
