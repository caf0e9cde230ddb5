// What a repository's engine reports, copied into the machine's numbered event log (the
// dashboard's live stream), and when each remote last synced (the status shows "2 min ago").
import { createHash } from "node:crypto";
import type { AgentEventName } from "../agent-events.js";
import type { RepoEngine } from "../engine/engine.js";
import type { EventLog } from "./event-log.js";

const ENGINE_EVENTS: readonly AgentEventName[] = ["commit", "merged", "conflict", "pushed", "push-failed", "fetched", "head", "refused"];

/**
 * A repository's id in URLs (/api/repos/:id): a short hash of its path, so no path (with its
 * slashes, or a user's name) is ever parsed out of a URL, and the id is stable across restarts.
 */
export function repoKey(dir: string): string {
  return createHash("sha256").update(dir).digest("hex").slice(0, 12);
}

export const isRepoKey = (s: string): boolean => /^[0-9a-f]{12}$/.test(s);

/** Feed `engine`'s events into `log`; `synced` gets each remote's time of its last push or fetch. */
export function feedEvents(engine: RepoEngine, key: string, log: EventLog, synced: Map<string, string>): void {
  for (const name of ENGINE_EVENTS) {
    engine.events.on(name, (e: Record<string, unknown>) => {
      const { time } = log.append(name, e, key);
      if ((name === "pushed" || name === "fetched") && typeof e.remote === "string") synced.set(e.remote, time);
    });
  }
}
