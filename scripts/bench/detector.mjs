// The bench's stopwatch, in a worker thread so that the agents running in the main thread delay
// neither end of a measurement: the worker makes the commits (the clock starts when `git commit`
// exits, not when a busy main thread gets round to noticing) and watches for the file in the
// peers' work trees: inotify (fs.watch on the file's directory) gives the moment, and a slow poll
// (25 ms) is only a safety net, counted so that a run where it mattered can be spotted. Times are
// CLOCK_MONOTONIC ms (process.hrtime), which the main thread reads too.
import { existsSync, watch } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const POLL_MS = 25;

if (!isMainThread) runWorker();

function runWorker() {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const libP = import("./lib.mjs");
  const ops = {
    /** A new file, `git add`, `git commit`: { t, byOther } (t = when git commit exited). */
    commitNewFile: async (dir, name, content) => (await libP).commitNewFile(dir, name, content),
    /** A new file, written and nothing more (an autocommitter's case): { t } (t = when written). */
    writeNewFile: async (dir, name, content) => { await writeFile(join(dir, name), content); return { t: now() }; },
    /**
     * `count - 1` commits of a tracked file (one `git commit -a` each), then one that adds `last`:
     * { t0, tLast } = before the first, after the last.
     */
    burst: async (dir, file, count, last) => {
      const { git, commitNewFile } = await libP;
      const t0 = now();
      for (let i = 0; i < count - 1; i++) {
        await writeFile(join(dir, file), `burst ${i}\n`);
        await git(dir, "commit", "-q", "-a", "--no-verify", "-m", `burst ${i}`);
      }
      const { t } = await commitNewFile(dir, last, "last\n");
      return { t0, tLast: t };
    },
  };
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
    } else if (m.type === "run") {
      ops[m.op](...m.args).then(
        (value) => parentPort.postMessage({ type: "result", id: m.id, value }),
        (e) => parentPort.postMessage({ type: "result", id: m.id, error: String(e.stderr || e.message) }),
      );
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

/**
 * Main-thread side: `detector.arrival(paths, timeoutMs)` → { times: {path: t|null}, byPoll };
 * `detector.commit(...)`, `detector.burst(...)` run in the worker.
 */
export class Detector {
  #worker;
  #next = 1;
  #waiting = new Map();
  #running = new Map();
  static async start() {
    const d = new Detector();
    d.#worker = new Worker(new URL(import.meta.url));
    d.#worker.on("message", (m) => {
      if (m.type === "result") {
        const r = d.#running.get(m.id);
        d.#running.delete(m.id);
        if (m.error !== undefined) r?.reject(new Error(m.error));
        else r?.resolve(m.value);
        return;
      }
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
  #run(op, ...args) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#running.set(id, { resolve, reject });
      this.#worker.postMessage({ type: "run", id, op, args });
    });
  }
  /** Commit a new file in `dir` from the worker: { t, byOther }. */
  commit(dir, name, content) { return this.#run("commitNewFile", dir, name, content); }
  /** Write a new file in `dir` from the worker, no commit: { t }. */
  write(dir, name, content) { return this.#run("writeNewFile", dir, name, content); }
  /** The burst, from the worker: { t0, tLast }. */
  burst(dir, file, count, last) { return this.#run("burst", dir, file, count, last); }
  reset() { this.#worker.postMessage({ type: "reset" }); }
  async stop() {
    const exited = new Promise((r) => this.#worker.once("exit", r));
    this.#worker.postMessage({ type: "exit" });
    await exited;
  }
}
