import type { CommitAnnouncement } from "@herald/protocol";
import type { GitRepo } from "../git/repo.js";
import { createLogger, type LogRecord } from "../log.js";
import type { RemoteSet } from "../sync/remote-set.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import { Announcements } from "./announcements.js";
import type { MergeScheduler } from "./merge-scheduler.js";
import type { NetworkPlan } from "./network-plan.js";
import type { SyncPipeline } from "./pipeline.js";

const SHA = "a".repeat(40);
const announcement: CommitAnnouncement = { repo: "r", ref: "refs/heads/main", sha: SHA, prev: null, node: "far", seq: 1, time: 0 };

/** A clone two pushes from `far`, its planned parent the agent `p`, its other neighbour `q`. */
function rig() {
  const records: LogRecord[] = [];
  const refs = new Map<string, string>([["refs/remotes/p/main", "1".repeat(40)]]);
  // PeerRecords.lastHeld: the record, or what it held when the merger emptied it.
  const emptied = new Map<string, string>();
  const empty = (ref: string) => { emptied.set(ref, refs.get(ref)!); refs.delete(ref); };
  const fetches: string[][] = [];
  const remotes = [{ name: "p", url: "/p", node: "p" }, { name: "q", url: "/q", node: "q" }] as ResolvedRemote[];
  const repo = {
    headState: async () => ({ branch: "refs/heads/main", sha: "0".repeat(40) }),
    refs: async () => new Map(refs),
    hasCommit: async () => false,
  } as unknown as GitRepo;
  const announcements = new Announcements({
    repo,
    remotes: { all: () => remotes, get: (n: string) => remotes.find((r) => r.name === n) } as unknown as RemoteSet,
    plan: { parent: () => ({ node: "p", passive: false, hops: 2 }) } as unknown as NetworkPlan,
    pipeline: { run: async (job: { fetch: { from: ResolvedRemote[] } }) => { fetches.push(job.fetch.from.map((r) => r.name)); return { fetched: {}, foundAt: null }; } } as unknown as SyncPipeline,
    merges: { now: async () => undefined } as unknown as MergeScheduler,
    log: createLogger([(r) => records.push(r)], "debug"),
    graceMs: 40,
    lastHeld: async (ref) => refs.get(ref) ?? emptied.get(ref),
  });
  /** The first of the records that end a look at the announcement: relaying, or not found. */
  const outcome = () => new Promise<string>((resolve) => {
    const timer = setInterval(() => {
      const end = records.find((r) => r.event === "plan-parent-relaying" || r.event === "announced-commit-not-found");
      if (end) { clearInterval(timer); resolve(end.event); }
    }, 5);
  });
  return { announcements, refs, empty, fetches, records, outcome };
}

describe("Announcements: a commit announced beyond our planned parent", () => {
  it("is not fetched around a parent that pushed to us during its grace (its pushes bring the work)", async () => {
    const { announcements, refs, fetches, outcome } = rig();
    announcements.heard(announcement);
    setTimeout(() => refs.set("refs/remotes/p/main", "2".repeat(40)), 10);
    expect(await outcome()).toBe("plan-parent-relaying");
    await announcements.stop();
    expect(fetches).toEqual([]);
  });

  it("is fetched around a silent parent: the announcer's remote first, then the others", async () => {
    const { announcements, fetches, outcome, records } = rig();
    announcements.heard(announcement);
    expect(await outcome()).toBe("announced-commit-not-found");
    await announcements.stop();
    expect(fetches).toEqual([["p", "q"]]);
    expect(records.map((r) => r.event)).toContain("plan-parent-late");
  });

  it("takes a push the merger merged and emptied within the grace for a push", async () => {
    const { announcements, refs, empty, fetches, outcome } = rig();
    announcements.heard(announcement);
    setTimeout(() => { refs.set("refs/remotes/p/main", "2".repeat(40)); empty("refs/remotes/p/main"); }, 10);
    expect(await outcome()).toBe("plan-parent-relaying");
    await announcements.stop();
    expect(fetches).toEqual([]);
  });

  it("takes a record the merger emptied for silence, not for a push", async () => {
    const { announcements, empty, fetches, outcome } = rig();
    announcements.heard(announcement);
    setTimeout(() => empty("refs/remotes/p/main"), 10);
    expect(await outcome()).toBe("announced-commit-not-found");
    await announcements.stop();
    expect(fetches).toEqual([["p", "q"]]);
  });
});
