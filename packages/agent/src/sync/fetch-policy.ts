// Pure: where to fetch an announced commit from, and how long to wait first. The plan (the
// minimum-cost arborescence rooted at the announcing node, plan-targets.ts) names our parent:
// when the parent is an agent, it will push to us, so it gets a moment (one timer, not a poll)
// before we fetch around it; when the parent is passive (a bare or cloud repository), fetching
// from it is the route the plan chose. Only configured remotes are ever fetched from.
import { remoteNode, type PlannedRemote } from "./plan-targets.js";

/** How long a planned agent parent gets for each push on the way before we fetch around it. */
export const PLAN_GRACE_MS = 2000;

/** `hops`: pushes from the announcer to us along the plan (1: the announcer is our parent). */
export interface PlanParent { node: string; passive: boolean; hops?: number }

export interface FetchPlan {
  /** wait this long (then look again) before fetching */
  graceMs: number;
  /** remote names to fetch from, in order, until the commit is here */
  order: string[];
}

export function fetchPlan(announcer: string, parent: PlanParent | null, remotes: PlannedRemote[], graceMs = PLAN_GRACE_MS): FetchPlan {
  const waitForParent = parent !== null && !parent.passive && parent.node !== announcer;
  const first = parent?.passive ? parent.node : announcer;
  const order = [...remotes.filter((r) => remoteNode(r) === first), ...remotes.filter((r) => remoteNode(r) !== first)].map((r) => r.name);
  // A commit several hops away comes through every clone between, each pushing once it has
  // merged it: fetching around the parent after one push's grace found nothing on the ring but
  // neighbours that did not hold it yet either (npm run bench -- --only=storm, ring 8 with XMPP:
  // 300 fetches that found nothing, twice the git work the storm itself made).
  return { graceMs: waitForParent ? graceMs * Math.max(1, (parent.hops ?? 2) - 1) : 0, order };
}

/**
 * Whether our planned agent parent pushed to us while we gave it its grace: the record its pushes
 * land in here (refs/remotes/<its node>/<branch>, sync/pusher.ts) holds a commit it did not hold
 * before. Gone is not a push (the merger empties a record it merged). A parent that pushes is
 * alive and relaying, and the announced work comes with its pushes: as the commit, or folded
 * into its own merge. A clone with work of its own folds a neighbour's Herald merge's parents
 * rather than keep it (git/merge-heads.ts userFrontier), so a merge announced far away is held
 * by nobody we can fetch from: on the ring (npm run bench -- --only=storm, ring 8 with XMPP),
 * 152 of the 161 fetches around a late parent found nothing, and cost every clone git work
 * while it merged. A silent parent (stopped, cut off, held by its user's edits) is fetched around.
 */
export function parentRelayed(before: string | undefined, after: string | undefined): boolean {
  return after !== undefined && after !== before;
}

/** How many pushes the plan (a parent map rooted at `origin`) takes to reach `node`; a node the
 * plan does not reach from `origin` counts the hops it has. */
export function planHops(parent: Readonly<Record<string, string | undefined>>, node: string, origin: string): number {
  let hops = 0;
  for (let at: string | undefined = node; at !== undefined && at !== origin && hops <= Object.keys(parent).length; at = parent[at]) hops++;
  return hops;
}

/**
 * An announced commit that no remote gave us (the remote that has it away for a while, a fetch
 * that failed) is asked for again after this long, doubling from 1 s up to 5 min; null: give up
 * (a later announcement, a refused push or `herald sync` still bring it). Without this, a clone
 * that heard of a commit while its only route (a bare hub) was away stayed behind for good: the
 * network went quiet with the clones on different heads.
 */
export function missedFetchDelay(attempt: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 0 || attempt >= MISSED_FETCH_ATTEMPTS) return null;
  return Math.min(1000 * 2 ** attempt, 300_000);
}

/**
 * An announced commit that a good fetch from the announcer's own clone did not bring is one its
 * branch has left: a Herald merge it replaced by a newer one (advance-head.ts), whose user work
 * the branch still holds, or a commit its user reset away. Asking for it again finds nothing,
 * for an hour and a half (npm run chaos, mesh10: 160 fetches in the ten quiet seconds after the
 * clones met); what the branch holds now was fetched, and is merged instead.
 */
export function superseded(announcer: string, remotes: PlannedRemote[], fetched: Record<string, boolean>): boolean {
  return remotes.some((r) => remoteNode(r) === announcer && fetched[r.name] === true);
}

/** 1+2+4+…+256 s, then every 5 min: about an hour and a half in all. */
export const MISSED_FETCH_ATTEMPTS = 25;
