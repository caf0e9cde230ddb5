// herald.hook: a user's program run after each event, without a shell, with HERALD_* in its
// environment. It runs beside syncing, never in its way: a failing or hanging hook is logged
// (and killed, with what it started, after the timeout), and hooks run one at a time in event order.
import { spawn } from "node:child_process";
import type { AgentEmitter } from "./agent-events.js";
import type { Logger } from "./log.js";

export interface HookEvent { event: string; ref?: string; sha?: string; remote?: string }

export class HookRunner {
  #chain: Promise<void> = Promise.resolve();
  constructor(private readonly program: string, private readonly repoDir: string, private readonly log: Logger, private readonly timeoutMs = 10_000) {}

  run(e: HookEvent): void {
    this.#chain = this.#chain.then(() => this.#spawn(e));
  }

  idle(): Promise<void> { return this.#chain; }

  /** Run the hook after each event a user may act on (names as in HERALD_EVENT). */
  follow(events: AgentEmitter): void {
    events.on("commit", (e) => this.run({ event: "commit", ...e }));
    events.on("merged", (e) => this.run({ event: "merged", ref: e.ref, sha: e.sha }));
    events.on("conflict", (e) => this.run({ event: "conflict", ref: e.ref, sha: e.sha }));
    events.on("pushed", (e) => this.run({ event: "pushed", ref: e.ref, sha: e.sha, remote: e.remote }));
    events.on("push-failed", (e) => this.run({ event: "push-failed", ref: e.ref, sha: e.sha, remote: e.remote }));
    events.on("refused", (e) => this.run({ event: "refused", ref: e.ref, sha: e.sha, remote: e.remote }));
  }

  #spawn(e: HookEvent): Promise<void> {
    return new Promise((resolve) => {
      const env = { ...process.env, HERALD_EVENT: e.event, HERALD_REF: e.ref ?? "", HERALD_SHA: e.sha ?? "", HERALD_REMOTE: e.remote ?? "", HERALD_REPO: this.repoDir };
      let child;
      try {
        // Its own process group, so that a timeout kills what the hook started too (a shell
        // script's `sleep`), not only the hook's own process.
        child = spawn(this.program, [], { cwd: this.repoDir, env, stdio: "ignore", shell: false, detached: true });
      } catch (err) {
        this.log.warn("hook-failed", { hook: this.program, hookEvent: e.event, error: (err as Error).message });
        return resolve();
      }
      const timer = setTimeout(() => {
        this.log.warn("hook-timeout", { hook: this.program, hookEvent: e.event, timeoutMs: this.timeoutMs });
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }, this.timeoutMs);
      child.once("error", (err) => {
        clearTimeout(timer);
        this.log.warn("hook-failed", { hook: this.program, hookEvent: e.event, error: err.message });
        resolve();
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) this.log.warn("hook-failed", { hook: this.program, hookEvent: e.event, exit: code, signal });
        resolve();
      });
    });
  }
}
