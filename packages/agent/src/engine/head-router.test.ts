import { AgentEmitter } from "../agent-events.js";
import { HERALD_IDENTITY, type GitRepo } from "../git/repo.js";
import { createLogger, type LogRecord } from "../log.js";
import type { RemoteSet } from "../sync/remote-set.js";
import type { ResolvedRemote } from "../sync/remotes.js";
import { HeadRouter } from "./head-router.js";
import type { NetworkPlan } from "./network-plan.js";
import type { SyncPipeline } from "./pipeline.js";

const SHA = "c".repeat(40);
type Job = { push?: { to: string[] }; announce?: string | boolean; relay?: boolean; mergePushed?: boolean };

/** A clone whose plan has `targets` as its children; `fetchedThrough`: some clone fetches from us. */
function rig(remotes: ResolvedRemote[], fetchedThrough = false, heraldMerge = true) {
  const events = new AgentEmitter();
  const jobs: Job[] = [];
  const records: LogRecord[] = [];
  const router = new HeadRouter({
    node: "me", events,
    repo: { head: async () => SHA, commit: async () => ({ parents: ["1".repeat(40), "2".repeat(40)], authorEmail: heraldMerge ? HERALD_IDENTITY.email : "me@example.org", committerTime: 0, message: "" }) } as unknown as GitRepo,
    remotes: { get: (n: string) => remotes.find((r) => r.name === n), nodeOf: (n: string) => n } as unknown as RemoteSet,
    plan: { targets: () => remotes.map((r) => r.name), fetchesThrough: () => fetchedThrough } as unknown as NetworkPlan,
    pipeline: { run: async (job: Job) => { jobs.push(job); return { fetched: {} }; } } as unknown as SyncPipeline,
    failing: () => new Set(),
    pushedTo: () => SHA, // every push took the head
    mapChanged: () => undefined,
    log: createLogger([(r) => records.push(r)], "debug"),
  });
  return { events, jobs, records, router };
}
const peer = (name: string) => ({ name, url: `/${name}`, kind: "peer", node: name }) as ResolvedRemote;
const bare = (name: string) => ({ name, url: `/${name}.git`, kind: "bare" }) as ResolvedRemote;
/** The announcements asked of the channel, and whether each is a merge our pushes carry everywhere. */
const announced = (jobs: Job[]) => jobs.filter((j) => j.announce !== undefined).map((j) => ({ sha: j.announce, mergePushed: j.mergePushed, relay: j.relay }));

describe("HeadRouter: which new heads are announced", () => {
  it("a merge made here and pushed to clones only goes to the channel as one nobody fetches", async () => {
    const { events, jobs, router } = rig([peer("a"), peer("b")]);
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "merge" });
    await router.stop();
    expect(jobs.map((j) => j.push?.to).filter(Boolean)).toEqual([["a", "b"]]);
    expect(announced(jobs)).toEqual([{ sha: SHA, mergePushed: true, relay: false }]);
  });

  it("a merge a clone may fetch is announced: a bare remote keeps it whole, or a clone fetches through us", async () => {
    for (const { remotes, through } of [{ remotes: [peer("a"), bare("hub")], through: false }, { remotes: [peer("a")], through: true }]) {
      const { events, jobs, router } = rig(remotes, through);
      events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "merge" });
      await router.stop();
      expect(announced(jobs)).toEqual([{ sha: SHA, mergePushed: false, relay: true }]);
    }
  });

  it("so is a Herald merge a neighbour pushed us and we pushed on; a user's merge is relayed as any head", async () => {
    for (const heraldMerge of [true, false]) {
      const { events, jobs, router } = rig([peer("b")], false, heraldMerge);
      events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "merge", source: "a" });
      await router.stop();
      expect(announced(jobs)).toEqual([{ sha: SHA, mergePushed: heraldMerge, relay: false }]);
    }
  });

  it("a commit made here is announced though every clone took it", async () => {
    const { events, jobs, router } = rig([peer("a"), peer("b")]);
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "local" });
    await router.stop();
    expect(announced(jobs)).toEqual([{ sha: SHA, mergePushed: false, relay: true }]);
  });

  it("a head superseded while its pushes ran is not announced: the newer head's announcement is the last", async () => {
    const { events, jobs, records, router } = rig([peer("a")]);
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "merge" });
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "local" });
    await router.stop();
    expect(announced(jobs)).toEqual([{ sha: SHA, mergePushed: false, relay: true }]); // the local commit's
    expect(records.filter((r) => r.event === "announce-superseded")).toHaveLength(1);
  });

  it("heads whose pushes finished before the next came are each announced", async () => {
    const { events, jobs, router } = rig([peer("a")]);
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "local" });
    while (!jobs.some((j) => j.announce !== undefined)) await new Promise((r) => setImmediate(r));
    events.emit("head", { ref: "refs/heads/main", sha: SHA, origin: "local" });
    await router.stop();
    expect(announced(jobs)).toHaveLength(2);
  });
});
