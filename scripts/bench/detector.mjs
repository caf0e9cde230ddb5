// When does a file appear in a work tree? Answered in a worker thread, so that the agents running
// in the main thread neither delay the observation nor compete with a polling loop: inotify
// (fs.watch on the file's directory) gives the moment, and a slow poll (25 ms) is only a safety
// net, counted so that a run where it mattered can be spotted. Times are CLOCK_MONOTONIC ms
// (process.hrtime), which the main thread reads too.
import { existsSync, watch } from "node:fs";
import { dirname } from "node:path";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const POLL_MS = 25;

if (!isMainThread) runWorker();

function runWorker() {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const watchers = new Map(); // dir -> FSWatcher
  const pending = new Map(); // path -> Set(id)
  const waits = new Map(); // id -> { left: Set(path), times: {path: t}, byPoll: number }

  const found = (path, how) => {
    const ids = pending.get(path);
    if (!ids) return;
    const t = now();
    pending.delete(path);
    for (const id of ids) {
      const w = waits.get(id);
      if (!w) continue;
      w.times[path] = t;
      if (how === "poll") w.byPoll++;
      w.left.delete(path);
      if (w.left.size === 0) {
        waits.delete(id);
        parentPort.postMessage({ type: "done", id, times: w.times, byPoll: w.byPoll });
      }
    }
  };
  const watchDir = (dir) => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, (_e, name) => {
        if (!name) return;
        const p = `${dir}/${name}`;
        if (pending.has(p) && existsSync(p)) found(p, "watch");
      });
      w.on("error", () => { w.close(); watchers.delete(dir); });
      watchers.set(dir, w);
    } catch {
      // not there yet: the poll covers it
    }
  };
  setInterval(() => {
    for (const p of [...pending.keys()]) if (existsSync(p)) found(p, "poll");
    for (const p of pending.keys()) watchDir(dirname(p));
  }, POLL_MS).unref();

  parentPort.on("message", (m) => {
    if (m.type === "expect") {
      const w = { left: new Set(m.paths), times: {}, byPoll: 0 };
      waits.set(m.id, w);
      for (const p of m.paths) {
        watchDir(dirname(p));
        if (!pending.has(p)) pending.set(p, new Set());
        pending.get(p).add(m.id);
      }
      for (const p of m.paths) if (existsSync(p)) found(p, "check");
    } else if (m.type === "cancel") {
      const w = waits.get(m.id);
      waits.delete(m.id);
      for (const p of w?.left ?? []) {
        pending.get(p)?.delete(m.id);
        if (pending.get(p)?.size === 0) pending.delete(p);
      }
      parentPort.postMessage({ type: "cancelled", id: m.id, times: w?.times ?? {}, byPoll: w?.byPoll ?? 0 });
    } else if (m.type === "reset") {
      for (const w of watchers.values()) w.close();
      watchers.clear();
      pending.clear();
      waits.clear();
    } else if (m.type === "exit") {
      for (const w of watchers.values()) w.close();
      process.exit(0);
    }
  });
}

/** Main-thread side: `await detector.arrival(paths, timeoutMs)` → { times: {path: t|null}, byPoll }. */
export class Detector {
  #worker;
  #next = 1;
  #waiting = new Map();
  static async start() {
    const d = new Detector();
    d.#worker = new Worker(new URL(import.meta.url));
    d.#worker.on("message", (m) => {
      const w = d.#waiting.get(m.id);
      if (!w) return;
      d.#waiting.delete(m.id);
      clearTimeout(w.timer);
      w.resolve({ times: Object.fromEntries(w.paths.map((p) => [p, m.times[p] ?? null])), byPoll: m.byPoll, timedOut: m.type === "cancelled" });
    });
    await new Promise((r, j) => { d.#worker.once("online", r); d.#worker.once("error", j); });
    return d;
  }
  arrival(paths, timeoutMs) {
    const id = this.#next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#worker.postMessage({ type: "cancel", id }), timeoutMs);
      this.#waiting.set(id, { resolve, timer, paths });
      this.#worker.postMessage({ type: "expect", id, paths });
    });
  }
  reset() { this.#worker.postMessage({ type: "reset" }); }
  async stop() {
    const exited = new Promise((r) => this.#worker.once("exit", r));
    this.#worker.postMessage({ type: "exit" });
    await exited;
  }
}
