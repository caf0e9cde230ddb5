// The git-annex branch's travel waits while content moves here. Each push of the branch makes
// the receiver run `git annex merge`, each fetch one here: 0.3-2 s of git-annex each on a busy
// machine, run beside the copies the next hop waits for (a line of five spent a third of its time
// on them). The location log is bookkeeping (who has what): nothing on the content's path reads
// it (routing follows the plan and the object files; transfers run with annex.merge-annex-branches
// false). So it goes the moment the transfers end, or after HOLD_MAX_MS if they run on: a long
// upload does not keep `git annex whereis` stale for its whole length.

export const HOLD_MAX_MS = 3000;

export class HeldWhileMoving {
  /** what waits, by name (a second ask under the same name is the same work: held once) */
  #owed = new Map<string, () => void>();
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly moving: () => boolean, private readonly maxMs = HOLD_MAX_MS) {}

  run(name: string, fn: () => void): void {
    if (!this.moving()) return fn();
    this.#owed.set(name, fn);
    this.#timer ??= setTimeout(() => this.flush(), this.maxMs);
  }

  /** The transfers went quiet (or the hold ran out): what waited goes now, once each. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const owed = [...this.#owed.values()];
    this.#owed.clear();
    for (const fn of owed) fn();
  }

  get holding(): number { return this.#owed.size; }
}
