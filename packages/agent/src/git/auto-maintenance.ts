// `git fetch` runs `git maintenance run --auto` when it is done: a process that packs loose
// objects once they pile up, and otherwise finds nothing to do. Herald fetches far more often
// than a person does, in bursts (npm run bench -- --only=storm, ring 8 with XMPP: 231 of some
// 4,300 git processes). Its fetches run without it (NO_AUTO_MAINTENANCE), and the same upkeep
// runs here once the clone has been quiet for a while after fetching: once per burst. One
// timer, armed by a fetch: an idle agent runs nothing.
export const NO_AUTO_MAINTENANCE = ["-c", "maintenance.auto=false"] as const;

/** How long after the last fetch the upkeep runs. */
export const MAINTENANCE_QUIET_MS = 30_000;

export class AutoMaintenance {
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  /** `run`: `git maintenance run --auto` in the clone (a failure is git's to report next time). */
  constructor(private readonly run: () => Promise<unknown>, private readonly quietMs = MAINTENANCE_QUIET_MS) {}

  /** A fetch went through: the upkeep runs once no other has come for `quietMs`. */
  fetched(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => { this.#timer = null; void this.run().catch(() => undefined); }, this.quietMs);
    this.#timer.unref(); // a one-shot command (herald sync) does not wait for it
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
