// `herald daemon`: one process per user serving every repository on its list
// ($XDG_CONFIG_HOME/herald/repos), with one XMPP login and one control socket
// ($XDG_RUNTIME_DIR/herald/control.sock). A change to the list takes effect at once: the list's
// directory is watched, so `herald add`, `herald remove` or an editor all count, no restart. So
// are each clone's config and the machine's settings (machine.ts): a change applies within a second.
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { ControlServer } from "./control/socket-server.js";
import type { EngineOptions } from "./engine/engine.js";
import { HeraldError } from "./errors.js";
import type { Logger } from "./log.js";
import { pidAlive } from "./pid-alive.js";
import { controlHandlers } from "./machine/control-handlers.js";
import { readMachineEntries } from "./machine/machine-config.js";
import { Machine } from "./machine/machine.js";
import { controlSocketPath, ensurePrivateDir, machineConfigFile, reposFile, runtimeDir, type Env } from "./machine/paths.js";
import { RepoListWatcher } from "./machine/repo-list.js";
import { serveDashboard } from "./web/start.js";
import type { WebServer } from "./web/server.js";

export interface DaemonOptions extends EngineOptions {
  log?: Logger;
  /** XDG_CONFIG_HOME, XDG_RUNTIME_DIR, HERALD_PASSWORD, … (default process.env) */
  env?: Env;
  /** Serve the dashboard (on herald.webPort of the machine settings). */
  web?: boolean;
}

export class Daemon {
  private constructor(readonly machine: Machine, readonly socketPath: string, private readonly pidFile: string,
    private readonly control: ControlServer, private readonly list: RepoListWatcher, private readonly web: WebServer | null) {}

  static async start(o: DaemonOptions = {}): Promise<Daemon> {
    const env = o.env ?? process.env;
    const dir = runtimeDir(env);
    await ensurePrivateDir(dir);
    const pidFile = join(dir, "daemon.pid");
    const old = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    if (old && old !== process.pid && pidAlive(old)) throw new HeraldError("AGENT_RUNNING", `a Herald daemon is already running (pid ${old}); stop it with: herald stop`, { pid: old });
    await writeFile(pidFile, `${process.pid}\n`, { mode: 0o600 });
    const configFile = machineConfigFile(env);
    const machine = new Machine({
      ...o, env, tagRepo: true, resource: `herald-${hostname()}`.slice(0, 64), machineFile: configFile,
    });
    const socketPath = controlSocketPath(env);
    // Before the list: the page is there from the start, repositories appear on it as they open.
    const web = o.web ? await serveDashboard(machine, await readMachineEntries(configFile).catch(() => []), env, o.now) : null;
    const control = new ControlServer(socketPath, controlHandlers(machine, () => web), machine.log.child("control"));
    await control.start();
    const list = new RepoListWatcher(reposFile(env), (paths) => void machine.serve(paths).then(() => machine.updatePresence()), machine.log.child("repo-list"));
    await list.start();
    machine.log.info("daemon-started", { pid: process.pid, list: list.file, socket: socketPath });
    return new Daemon(machine, socketPath, pidFile, control, list, web);
  }

  get webUrl(): string | null { return this.web?.url ?? null; }

  async stop(): Promise<void> {
    this.list.stop();
    await this.web?.stop();
    await this.control.stop();
    await this.machine.stop();
    await rm(this.pidFile, { force: true });
    this.machine.log.info("stopped");
  }
}
