// What the control socket's commands do on a machine: with a repository, that one; without,
// every repository served (status: one entry each, errors included).
import type { ControlHandlers } from "../control/socket-server.js";
import type { RepoEngine } from "../engine/engine.js";
import { HeraldError } from "../errors.js";
import type { LogRecord } from "../log.js";
import type { WebServer } from "../web/server.js";
import type { Machine } from "./machine.js";

/** `dashboard`: where it serves (url), or why it does not (error); absent when not asked for. */
export interface MachineStatus { pid: number; repos: Awaited<ReturnType<Machine["statuses"]>>; dashboard?: { url: string | null; error: string | null } }

/** `web`: the dashboard, if the root that started it asked for one. */
export function controlHandlers(m: Machine, web: () => WebServer | null = () => null): ControlHandlers {
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
    status: async (repo) => {
      if (repo) return m.status(repo);
      const w = web();
      return { pid: process.pid, repos: await m.statuses(), ...(w ? { dashboard: { url: w.url, error: w.error } } : {}) } satisfies MachineStatus;
    },
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
    // `running`: how many ran before the action (what a pause stopped); `queued`: how many are to
    // go after it (what a resume lets go).
    transfers: async (repo, action, key) => (await targets(repo)).map((e) => {
      if (action === "list") return { repo: e.repo.dir, annexed: e.content.annexed, transfers: e.content.transfers() };
      const count = (states: string[]) => e.content.transfers().filter((t) => states.includes(t.state) && (key === null || t.key === key)).length;
      const running = count(["running"]);
      const changed = e.content.control(action, key);
      return { repo: e.repo.dir, annexed: e.content.annexed, running, changed, queued: count(["queued", "running"]) };
    }),
    // The dashboard's address and a one-time login token (`herald open`), or why it is off.
    // Never the API key: only this user can reach this socket, and a token is good once, for 60 s.
    web: async () => {
      const w = web();
      return { url: w?.url ?? null, token: w?.loginToken() ?? null, error: w ? w.error : "this Herald was started without the dashboard" };
    },
    recentLog: (lines, repo) => records(Number.MAX_SAFE_INTEGER).filter(ofRepo(repo)).slice(-lines),
    onLog: (fn, repo) => {
      const keep = ofRepo(repo);
      return m.events.listen((e) => { if (e.type === "log" && keep(e.data as LogRecord)) fn(e.data as LogRecord); });
    },
  };
}
