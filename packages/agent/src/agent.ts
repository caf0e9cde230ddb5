// `herald agent --repo DIR`: the machine part serving one clone, with its control socket in the
// clone (.git/herald/control.sock). The same engine the daemon runs for each repository, restarted
// the same way when the clone's settings change while it runs.
import { chmod } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ControlServer } from "./control/socket-server.js";
import type { EngineOptions, RemoteSyncReport, RepoEngine } from "./engine/engine.js";
import type { Logger } from "./log.js";
import { controlHandlers } from "./machine/control-handlers.js";
import { Machine } from "./machine/machine.js";
import { machineConfigFile } from "./machine/paths.js";
import { readConfigEntries } from "./config.js";
import type { AgentStatus } from "./status.js";
import { serveDashboard } from "./web/start.js";
import type { WebServer } from "./web/server.js";

export interface AgentOptions extends EngineOptions {
  repoDir: string;
  log?: Logger;
  /** Where HERALD_PASSWORD and HERALD_DEBUG_XMPP are read from, and XDG_CONFIG_HOME (the machine's settings) over process.env's (default process.env). */
  env?: Record<string, string | undefined>;
  /** Serve the dashboard (on herald.webPort of the clone's config). */
  web?: boolean;
}

export class Agent {
  #last: RepoEngine;
  private constructor(readonly machine: Machine, readonly repoDir: string, engine: RepoEngine, private readonly control: ControlServer, private readonly web: WebServer | null) {
    this.#last = engine;
  }

  /** The clone's engine: a new one after its settings changed (machine.ts restarts it); the last
   * one while a bad setting keeps it down (its status then says which). */
  get engine(): RepoEngine {
    const now = this.machine.find(this.repoDir).engine;
    if (now) this.#last = now;
    return this.#last;
  }

  static async start(opts: AgentOptions): Promise<Agent> {
    // The machine's settings under the clone's own, as the daemon serves it (`env` may name
    // another XDG_CONFIG_HOME; by default the process's).
    const machine = new Machine({ ...opts, env: opts.env ?? process.env, machineFile: machineConfigFile({ ...process.env, ...opts.env }) });
    const dir = resolve(opts.repoDir);
    let engine: RepoEngine;
    try {
      engine = (await machine.add(dir, true))!;
    } catch (e) {
      await machine.stop();
      throw e;
    }
    await chmod(engine.heraldDir, 0o700); // the socket's directory: only this user may even look
    const web = opts.web ? await serveDashboard(machine, await readConfigEntries(engine.repo), opts.env ?? process.env) : null;
    const control = new ControlServer(join(engine.heraldDir, "control.sock"), controlHandlers(machine, () => web), machine.log.child("control"));
    await control.start();
    void machine.updatePresence();
    return new Agent(machine, dir, engine, control, web);
  }

  get events() { return this.engine.events; }
  get heraldDir(): string { return this.engine.heraldDir; }
  get node(): string { return this.engine.node; }
  get paused(): boolean { return this.engine.paused; }
  get conflicts() { return this.engine.conflicts; }
  get remotes() { return this.engine.remotes; }
  get retryQueue() { return this.engine.retryQueue; }
  get channel() { return this.engine.channel; }
  get plan() { return this.engine.plan; }

  /** The clone's status; its error (a bad setting, say) while its engine is down. */
  status(): Promise<AgentStatus> { return this.machine.find(this.repoDir).engine ? this.engine.status() : this.machine.status(this.repoDir); }
  sync(): Promise<RemoteSyncReport[]> { return this.engine.sync(); }
  mergeNow(): Promise<void> { return this.engine.mergeNow(); }
  idle(): Promise<void> { return this.engine.idle(); }
  pause(): void { this.engine.pause(); void this.machine.updatePresence(); }
  resume(): void { this.engine.resume(); void this.machine.updatePresence(); }

  /** The dashboard's address, while it serves. */
  get webUrl(): string | null { return this.web?.url ?? null; }

  async stop(): Promise<void> {
    await this.web?.stop();
    await this.control.stop();
    await this.machine.stop();
  }
}
