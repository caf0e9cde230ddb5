// `herald agent --repo DIR`: the machine part serving one clone, with its control socket in the
// clone (.git/herald/control.sock). The same engine the daemon runs for each repository.
import { chmod } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ControlServer } from "./control/socket-server.js";
import type { EngineOptions, RemoteSyncReport, RepoEngine } from "./engine/engine.js";
import type { Logger } from "./log.js";
import { controlHandlers } from "./machine/control-handlers.js";
import { Machine } from "./machine/machine.js";
import { readConfigEntries } from "./config.js";
import type { AgentStatus } from "./status.js";
import { serveDashboard } from "./web/start.js";
import type { WebServer } from "./web/server.js";

export interface AgentOptions extends EngineOptions {
  repoDir: string;
  log?: Logger;
  /** Where HERALD_PASSWORD and HERALD_DEBUG_XMPP are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Serve the dashboard (on herald.webPort of the clone's config). */
  web?: boolean;
}

export class Agent {
  private constructor(readonly machine: Machine, readonly engine: RepoEngine, private readonly control: ControlServer, private readonly web: WebServer | null) {}

  static async start(opts: AgentOptions): Promise<Agent> {
    const machine = new Machine({ ...opts, env: opts.env ?? process.env });
    let engine: RepoEngine;
    try {
      engine = (await machine.add(resolve(opts.repoDir), true))!;
    } catch (e) {
      await machine.stop();
      throw e;
    }
    await chmod(engine.heraldDir, 0o700); // the socket's directory: only this user may even look
    const web = opts.web ? await serveDashboard(machine, await readConfigEntries(engine.repo), opts.env ?? process.env) : null;
    const control = new ControlServer(join(engine.heraldDir, "control.sock"), controlHandlers(machine, () => web), machine.log.child("control"));
    await control.start();
    void machine.updatePresence();
    return new Agent(machine, engine, control, web);
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

  status(): Promise<AgentStatus> { return this.engine.status(); }
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
