// The agent's typed events: the hook runner, the log, the announcer and the control socket all
// listen here (names match HERALD_EVENT values where a hook sees them).
import { EventEmitter } from "node:events";
import type { ResolvedConflict } from "./git/keep-both.js";
import type { RefusalReason } from "./verify/verify-policy.js";

export interface AgentEvents {
  commit: [{ ref: string; sha: string }];
  merged: [{ ref: string; sha: string; from: string; heads: string[]; conflicts: ResolvedConflict[] }];
  conflict: [{ ref: string; sha: string; conflict: ResolvedConflict }];
  pushed: [{ ref: string; sha: string; remote: string; target: string }];
  "push-failed": [{ ref: string; sha: string; remote: string; error: string }];
  fetched: [{ remote: string; reason: string }];
  /** `source`: for a fast-forward, the refs/remotes namespace (node or remote name) that brought it. */
  head: [{ ref: string; sha: string; origin: "local" | "merge"; source?: string }];
  /** A peer's tip not merged (herald.verify): `sha` is the commit that fails, `tip` what `ref` holds. */
  refused: [{ ref: string; sha: string; tip: string; remote: string; author: string; reason: RefusalReason }];
}

export type AgentEventName = keyof AgentEvents;
export class AgentEmitter extends EventEmitter<AgentEvents> {}
