// The queue with its runner faked at the port (no git-annex): limits, pause/resume/cancel, and
// what survives a restart. Real transfers are in test/annex-content and cli/test/transfers.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../log.js";
import type { TransferRecord } from "./transfer-records.js";
import { TransferQueue } from "./transfer-queue.js";
import type { TransferJob, TransferOutcome } from "./transfer-runner.js";

const key = (n: number) => `SHA256E-s${n}--k${n}.bin`;
/** The pause mark is written in the background: wait (briefly) for it to be there or gone. */
const until = async (ok: () => boolean) => { for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 10)); expect(ok()).toBe(true); };

function harness(file: string, concurrent = 1) {
  const running = new Map<string, { job: TransferJob; end: (o: TransferOutcome) => void; signal: AbortSignal }>();
  const ended: TransferRecord[] = [];
  const q = new TransferQueue({
    file, limits: { concurrent }, log: silentLogger, onEnd: (r) => ended.push(r),
    run: (job, _progress, signal) => new Promise((end) => {
      running.set(job.key, { job, end, signal });
      signal.addEventListener("abort", () => { running.delete(job.key); end({ result: "stopped" }); });
    }),
  });
  const finish = async (k: string, o: TransferOutcome) => { running.get(k)!.end(o); running.delete(k); await new Promise((r) => setImmediate(r)); };
  return { q, running, ended, finish };
}



describe("TransferQueue", () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "herald-tq-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it("runs at most maxConcurrentTransfers at once and one per key and remote", async () => {
    const h = harness(join(dir, "t.json"), 1);
    await h.q.load();
    h.q.add({ key: key(1), path: "a", direction: "to", remote: "b", cost: 1 });
    h.q.add({ key: key(1), path: "a", direction: "to", remote: "b", cost: 1 }); // the same: ignored
    h.q.add({ key: key(2), path: "b", direction: "to", remote: "b", cost: 1 });
    expect([...h.running.keys()]).toEqual([key(1)]);
    await h.finish(key(1), { result: "done", bytes: 1 });
    expect([...h.running.keys()]).toEqual([key(2)]);
    expect(h.q.list().map((r) => r.state)).toEqual(["done", "running"]);
    await h.finish(key(2), { result: "done", bytes: 2 });
    await h.q.stop();
  }, 5000);

  it("pause stops the running one and holds back new ones; resume starts them; cancel drops one", async () => {
    const h = harness(join(dir, "t.json"), 2);
    await h.q.load();
    h.q.add({ key: key(1), path: "a", direction: "to", remote: "b", cost: 1 });
    const signal = h.running.get(key(1))!.signal;
    expect(h.q.control("pause", null)).toBe(1);
    expect(signal.aborted).toBe(true);
    h.q.add({ key: key(2), path: "b", direction: "to", remote: "b", cost: 1 });
    h.q.add({ key: key(3), path: "c", direction: "to", remote: "b", cost: 1 });
    expect(h.running.size).toBe(0);
    expect(h.q.control("cancel", key(3))).toBe(1);
    expect(h.q.control("resume", null)).toBe(1);
    expect([...h.running.keys()].sort()).toEqual([key(1), key(2)]);
    expect(h.q.list().find((r) => r.key === key(3))!.state).toBe("cancelled");
    await h.q.stop();
  }, 5000);

  it("a pause of all holds back new transfers across a restart, until resume of all", async () => {
    const file = join(dir, "t.json");
    const first = harness(file);
    await first.q.load();
    expect(first.q.control("pause", null)).toBe(0);
    await first.q.stop();
    await until(() => existsSync(join(dir, "transfers-paused")));
    const h = harness(file);
    await h.q.load();
    expect(h.q.paused).toBe(true);
    h.q.add({ key: key(1), path: "a", direction: "to", remote: "b", cost: 1 });
    expect(h.running.size).toBe(0);
    h.q.control("resume", null);
    expect([...h.running.keys()]).toEqual([key(1)]);
    await until(() => !existsSync(join(dir, "transfers-paused")));
    await h.finish(key(1), { result: "done", bytes: 1 });
    await h.q.stop();
  }, 5000);

  it("keeps unfinished transfers across a restart; a failed one is tried again at its time", async () => {
    const file = join(dir, "t.json");
    const h = harness(file);
    await h.q.load();
    h.q.add({ key: key(1), path: "a", direction: "from", remote: "cloud", cost: 200 });
    await h.finish(key(1), { result: "failed", error: "cloud does not have it yet" });
    h.q.add({ key: key(2), path: "b", direction: "to", remote: "b", cost: 1 });
    await h.q.stop(); // the running one is saved as queued
    const saved = JSON.parse(await readFile(file, "utf8")) as TransferRecord[];
    expect(saved.map((r) => [r.key, r.state])).toEqual([[key(1), "failed"], [key(2), "queued"]]);
    await writeFile(file, JSON.stringify(saved.map((r) => (r.state === "failed" ? { ...r, nextTry: Date.now() + 50 } : r))));

    const again = harness(file, 2);
    await again.q.load();
    expect([...again.running.keys()]).toEqual([key(2)]);
    for (let i = 0; i < 100 && again.running.size < 2; i++) await new Promise((r) => setTimeout(r, 50)); // its retry timer, no other nudge
    expect([...again.running.keys()].sort()).toEqual([key(1), key(2)]);
    await again.q.stop();
  });
});
