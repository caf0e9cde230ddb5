import { AgentEmitter } from "../agent-events.js";
import type { AutoMaintenance } from "../git/auto-maintenance.js";
import type { GitRepo } from "../git/repo.js";
import { silentLogger } from "../log.js";
import { PeerRecords } from "../sync/peer-records.js";
import type { Pusher } from "../sync/pusher.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import type { MergeScheduler } from "./merge-scheduler.js";
import { SyncPipeline } from "./pipeline.js";

/** A pipeline over fakes that record what each stage did, in order. */
function rig(opts: { has?: (fetched: string[]) => boolean; failFetch?: string[]; paused?: boolean; brings?: string[] } = {}) {
  const steps: string[] = [];
  /** our records of the remotes: a fetch from one in `brings` moves its record */
  const records = new Map<string, string>();
  const fetched: string[] = [];
  const argvs: string[][] = [];
  const repo = {
    currentBranch: async () => "refs/heads/main",
    runRemote: async (_name: string, _url: string, args: string[]) => {
      argvs.push(args);
      const remote = args.at(-2)!;
      steps.push(`fetch ${remote} ${args.at(-1)}`);
      if (opts.failFetch?.includes(remote)) throw new Error(`${remote} unreachable`);
      fetched.push(remote);
      if (opts.brings?.includes(remote)) records.set(args.at(-1)!.split(":")[1]!, String(fetched.length).repeat(40));
      return "";
    },
    hasCommit: async () => opts.has?.(fetched) ?? false,
    refs: async (ref: string) => new Map(records.has(ref) ? [[ref, records.get(ref)!]] : []),
  } as unknown as GitRepo;
  const merges = { now: async () => { steps.push("merge"); } } as unknown as MergeScheduler;
  const pusher = { nudge: (to: string[], again: boolean) => { steps.push(`push ${to.join(",")}${again ? " again" : ""}`); return []; } } as unknown as Pusher;
  const upkeep: string[] = [];
  const maintenance = { fetched: () => upkeep.push(fetched.at(-1)!) } as unknown as AutoMaintenance;
  const pipeline = new SyncPipeline({ repo, events: new AgentEmitter(), log: silentLogger, merges, pusher, records: new PeerRecords({ repo, log: silentLogger, isBare: () => false, onEmptied: () => undefined }), isPaused: () => opts.paused ?? false, announce: (sha) => steps.push(`announce ${sha ?? "HEAD"}`), maintenance });
  return { pipeline, steps, argvs, upkeep };
}
const remote = (name: string) => ({ name, url: `/r/${name}`, kind: "bare" }) as ResolvedRemote;

describe("SyncPipeline", () => {
  it("runs the stages in order: fetch (never forced: an explicit refspec), merge, push, announce", async () => {
    const { pipeline, steps, argvs } = rig();
    const out = await pipeline.run({ reason: "sync", fetch: { from: [remote("a"), remote("b")] }, merge: true, push: { to: ["a", "b"], again: true }, announce: true });
    // git's upkeep after each fetch is left to git/auto-maintenance.ts, once per burst
    for (const argv of argvs) expect(argv.slice(0, 3)).toEqual(["-c", "maintenance.auto=false", "fetch"]);
    expect(steps).toEqual(["fetch a refs/heads/main:refs/remotes/a/main", "fetch b refs/heads/main:refs/remotes/b/main", "merge", "push a,b again", "announce HEAD"]);
    expect(out.fetched).toEqual({ a: true, b: true });
  });

  // A fetch that brought nothing (the clones were in sync: every start-up fetch) leaves nothing
  // to pack; git's upkeep after it was 20 processes for a daemon of 20 clones, 30 s after its
  // start, in the window the bench calls idle.
  it("arms git's upkeep only after a fetch that moved our record of the remote", async () => {
    const { pipeline, upkeep } = rig({ brings: ["b"] });
    await pipeline.run({ reason: "sync", fetch: { from: [remote("a"), remote("b")] } });
    expect(upkeep).toEqual(["b"]);
  });

  it("fetching for a wanted commit stops at the first remote that had it", async () => {
    const { pipeline, steps } = rig({ has: (f) => f.includes("b") });
    const out = await pipeline.run({ reason: "announcement", fetch: { from: [remote("a"), remote("b"), remote("c")], until: "f".repeat(40) }, merge: true });
    expect(out.foundAt).toBe("b");
    expect(steps).toEqual(["fetch a refs/heads/main:refs/remotes/a/main", "fetch b refs/heads/main:refs/remotes/b/main", "merge"]);
  });

  it("a wanted commit no remote had: nothing merged, pushed or announced; a failed fetch is reported, not thrown", async () => {
    const { pipeline, steps } = rig({ failFetch: ["a"] });
    const out = await pipeline.run({ reason: "announcement", fetch: { from: [remote("a"), remote("b")], until: "e".repeat(40) }, merge: true, push: { to: ["a"] }, announce: true });
    expect(out).toEqual({ fetched: { a: false, b: true }, foundAt: null });
    expect(steps.filter((s) => !s.startsWith("fetch"))).toEqual([]);
  });

  it("announces the head the pushes delivered, and nothing while paused", async () => {
    const sha = "a".repeat(40);
    const live = rig();
    await live.pipeline.run({ reason: "new head", push: { to: ["x"] }, announce: sha });
    expect(live.steps).toEqual(["push x", `announce ${sha}`]);
    const paused = rig({ paused: true });
    await paused.pipeline.run({ reason: "new head", push: { to: ["x"] }, announce: sha });
    expect(paused.steps).toEqual(["push x"]);
  });
});
