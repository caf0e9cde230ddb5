// The machine part: every repository this process serves, one XMPP hub (a login per account,
// not per repository) and the event log. A repository's trouble (it would not start, its directory
// vanished, its git calls fail or hang) is that repository's error in the status; the others
// never wait on it. The daemon and the single-clone agent are both this part, with many
// repositories or with one.
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { AgentStatus } from "../status.js";
import { RepoEngine } from "../engine/engine.js";
import { openEngine, type OpenOptions } from "./open-engine.js";
import { HeraldError } from "../errors.js";
import { createLogger, silentLogger, type Level, type Logger, type LogRecord } from "../log.js";
import { PresenceUpdates } from "./presence.js";
import { XmppHub } from "../xmpp/xmpp-hub.js";
import { chatHandlers } from "./chat-handlers.js";
import { EventLog } from "./event-log.js";
import { feedEvents, repoKey } from "./repo-events.js";
import { CLONE_CONFIG_NAMES, configDirOf, readSettings, type RepoSettings } from "./repo-settings.js";
import { ConfigWatcher } from "../watch/config-watcher.js";
import { MachineSettings } from "./machine-settings.js";

export type MachineOptions = Omit<OpenOptions, "log" | "machine"> & {
  log?: Logger;
  /** The machine's settings file (machine-config.ts), under each clone's own: followed while it
   * runs, and every repository it affects restarted when it changes. */
  machineFile?: string;
};

interface Slot {
  dir: string; key: string; engine: RepoEngine | null; error: string | null; busy: Promise<void>; synced: Map<string, string>;
  /** Follows the clone's config while the slot exists, whether its engine runs or failed to start. */
  watcher: ConfigWatcher | null;
  /** The settings (readSettings' print) the engine was last started with, or failed with. */
  seen: string | null;
  /** Carried across a restart: the user paused syncing, or every transfer. */
  paused: boolean; transfersPaused: boolean;
}

export type RepoState = "in sync" | "syncing" | "paused" | "error";
/** A repository's status as the machine reports it: the engine's, with its id, state and sync times. */
export type MachineRepoStatus = AgentStatus & { id: string; state: RepoState; remotes: Array<AgentStatus["remotes"][number] & { lastSync?: string }> };

/** A status answer may take this long before the repository is reported as not answering. */
const STATUS_TIMEOUT_MS = 3000;
/** A repository's error while its engine restarts (a status asked meanwhile waits for the new one). */
const RESTARTING = "restarting: its settings changed";

export class Machine {
  /** Everything the dashboard streams and `herald log` reads: engine events and log records, numbered. */
  readonly events = new EventLog();
  readonly log: Logger;
  readonly hub: XmppHub;
  #slots = new Map<string, Slot>();
  #stopping = false;
  #machine: MachineSettings;
  #presence: PresenceUpdates;

  constructor(private readonly o: MachineOptions) {
    // Every record goes to the caller's logger and to the event log (`herald log`, the dashboard).
    const base = o.log ?? silentLogger;
    const forward = (r: LogRecord) => {
      const { t: _t, level, event, ...rest } = r;
      base[level as Level](event, rest);
    };
    const keep = (r: LogRecord) => {
      if (r.level !== "debug") this.events.append("log", r, typeof r.repo === "string" ? repoKey(r.repo) : undefined);
    };
    this.log = createLogger([keep, forward], "debug", o.now);
    this.hub = new XmppHub(chatHandlers(this), this.log);
    this.#presence = new PresenceUpdates(this.hub, () => this.engines(), this.log);
    this.#machine = new MachineSettings(o.machineFile ?? null, this.log);
    // A change of the machine's settings is a change for every repository (each compares its own).
    this.#machine.follow(() => { for (const slot of this.#slots.values()) this.#recheck(slot); });
  }

  /** Start serving `dir`. A failure is kept as the repository's error (or thrown, with `strict`). */
  add(dir: string, strict = false): Promise<RepoEngine | null> {
    const slot: Slot = this.#slots.get(dir) ?? { dir, key: repoKey(dir), engine: null, error: null, busy: Promise.resolve(), synced: new Map(), watcher: null, seen: null, paused: false, transfersPaused: false };
    this.#slots.set(dir, slot);
    const started = slot.busy.then(async () => { await this.#watch(slot); return this.#start(slot, strict); });
    slot.busy = started.then(() => undefined, () => undefined);
    return started;
  }

  /** Follow the clone's config from before its engine starts (a change made meanwhile is then
   * seen), and also when it fails to start: mending a bad setting brings it back. */
  async #watch(slot: Slot): Promise<void> {
    if (slot.watcher || this.#stopping || this.#slots.get(slot.dir) !== slot) return;
    const dir = await configDirOf(slot.dir);
    if (!dir) return; // no clone there (yet): tried again whenever the list changes
    const w = new ConfigWatcher(dir, CLONE_CONFIG_NAMES, () => this.#recheck(slot), this.log.child("config-watcher").with({ repo: slot.dir }));
    if (w.start()) slot.watcher = w;
  }

  /** `read`: the settings just read (by #recheck); the engine is built from the very entries
   * compared, so a change made after the read is a difference at the next look, never missed. */
  async #start(slot: Slot, strict: boolean, read?: RepoSettings): Promise<RepoEngine | null> {
    if (slot.engine || this.#stopping || this.#slots.get(slot.dir) !== slot) return slot.engine;
    const settings = read ?? (await readSettings(slot.dir, this.#machine.entries));
    slot.seen = settings.print;
    let engine: RepoEngine | null = null;
    try {
      engine = await openEngine(slot.dir, { ...this.o, log: this.log, machine: await this.#machine.entries(), ...(settings.clone ? { clone: settings.clone } : {}) });
      engine.events.on("conflict", () => void this.updatePresence());
      feedEvents(engine, slot.key, this.events, slot.synced);
      if (slot.paused) engine.pause(); // before its first pass, so nothing goes out meanwhile
      await engine.start(this.hub);
      if (slot.transfersPaused) engine.content.control("pause", null);
      slot.engine = engine;
      slot.error = null;
      return engine;
    } catch (e) {
      if (engine) await engine.stop(this.hub).catch(() => undefined);
      slot.error = (e as Error).message;
      if (strict) throw e; // the caller reports it
      this.log.warn("repo-failed", { repo: slot.dir, error: slot.error });
      return null;
    }
  }

  /**
   * The clone's config or the machine's changed: when what the engine is built from changed, stop
   * it and start it again (the other repositories carry on, and so does the XMPP login: kept
   * while the engine restarts, logged out only if nothing uses it after).
   * Stopping waits for running pushes and merges and saves the retry and transfer queues, which
   * the new engine loads; announcements missed meanwhile are caught up when it joins the node.
   */
  #recheck(slot: Slot): void {
    slot.busy = slot.busy.then(async () => {
      if (this.#stopping || this.#slots.get(slot.dir) !== slot) return;
      // A clone being deleted or moved away also changes its config (it goes): that is no new
      // setting, and a restart would write into a directory on its way out. Its status says so.
      if (slot.watcher && !existsSync(join(slot.watcher.dir, "config"))) return void this.log.debug("settings-gone", { repo: slot.dir });
      const now = await readSettings(slot.dir, this.#machine.entries);
      if (now.clone === null && slot.engine) return void this.log.debug("settings-unreadable", { repo: slot.dir, error: now.print });
      if (now.print === slot.seen) return void this.log.debug("settings-unchanged", { repo: slot.dir });
      this.log.info("settings-changed", { repo: slot.dir, restarting: slot.engine !== null });
      const engine = slot.engine;
      if (engine) {
        slot.paused = engine.paused;
        slot.transfersPaused = engine.content.status()?.paused ?? false;
        slot.engine = null;
        slot.error = RESTARTING;
        // A stop that fails (its queue could not be saved, say) must not keep the repository down.
        await engine.stop(this.hub, false, true).catch((e: Error) => this.log.warn("stop-failed", { repo: slot.dir, error: e.message }));
      }
      await this.#start(slot, false, now);
      await this.hub.prune();
      await this.updatePresence();
    }).catch((e: Error) => this.log.error("settings-reload-failed", { repo: slot.dir, error: e.message }));
  }

  /** Stop serving `dir` and drop its pubsub subscription. */
  async remove(dir: string): Promise<void> {
    const slot = this.#slots.get(dir);
    if (!slot) return;
    this.#slots.delete(dir);
    slot.watcher?.stop();
    await slot.busy;
    await slot.engine?.stop(this.hub, true);
    this.log.info("repo-removed", { repo: dir });
  }

  /** Serve exactly these directories (the daemon's list changed); one that failed to start is tried again. */
  async serve(dirs: string[]): Promise<void> {
    const wanted = new Set(dirs);
    await Promise.all([...this.#slots.keys()].filter((d) => !wanted.has(d)).map((d) => this.remove(d)));
    await Promise.all(dirs.filter((d) => !this.#slots.get(d)?.engine).map((d) => this.add(d)));
  }

  get dirs(): string[] { return [...this.#slots.keys()]; }

  engines(): RepoEngine[] { return [...this.#slots.values()].flatMap((s) => (s.engine ? [s.engine] : [])); }

  /** The slot serving `dir` (a path inside it, or one reached through a symlink, also finds it). */
  find(dir: string): Readonly<Slot> {
    const real = (() => { try { return realpathSync(dir); } catch { return dir; } })();
    for (const s of this.#slots.values()) {
      for (const d of new Set([s.dir, s.engine?.repo.dir])) {
        if (d && (dir === d || real === d || real.startsWith(`${d}/`))) return s;
      }
    }
    throw new HeraldError("NO_SUCH_REPO", `${dir} is not served here (add it with: herald add ${dir})`);
  }

  /** The slot whose id (repoKey) is `key`. */
  byKey(key: string): Readonly<Slot> {
    for (const s of this.#slots.values()) if (s.key === key) return s;
    throw new HeraldError("NO_SUCH_REPO", `no repository with id ${JSON.stringify(key.slice(0, 40))} is served here`);
  }

  /** One repository's status; its error instead when it is down, gone or not answering. */
  async status(dir: string): Promise<MachineRepoStatus> {
    const slot = this.find(dir);
    const down = (error: string): MachineRepoStatus => ({ id: slot.key, state: "error", node: "", repo: slot.dir, branch: null, head: null, paused: false, remotes: [], retries: {}, conflicts: 0, xmpp: null, error });
    if (!existsSync(slot.dir)) return down(`${slot.dir} is gone (removed or moved while Herald ran); put it back, or: herald remove ${slot.dir}`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`not answering within ${STATUS_TIMEOUT_MS / 1000} s`)), STATUS_TIMEOUT_MS); });
    try {
      if (!slot.engine && slot.error === RESTARTING) await Promise.race([slot.busy, late]);
      if (!slot.engine) return down(slot.error ?? "starting");
      const s = await Promise.race([slot.engine.status(), late]);
      const state: RepoState = s.error ? "error" : s.paused ? "paused" : slot.engine.busy ? "syncing" : "in sync";
      return { id: slot.key, state, ...s, remotes: s.remotes.map((r) => ({ ...r, ...(slot.synced.has(r.name) ? { lastSync: slot.synced.get(r.name)! } : {}) })) };
    } catch (e) {
      return down((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  async statuses(): Promise<MachineRepoStatus[]> {
    return Promise.all(this.dirs.map((d) => this.status(d)));
  }

  /** Presence per login (machine/presence.ts); resolves once a pass that began after the ask is done. */
  updatePresence(): Promise<void> { return this.#presence.update(); }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#machine.stop();
    await this.#presence.stop();
    for (const s of this.#slots.values()) s.watcher?.stop();
    await Promise.all([...this.#slots.values()].map(async (s) => { await s.busy; await s.engine?.stop(this.hub); }));
    this.#slots.clear();
    await this.hub.stop();
  }
}
