// Which HEAD moves are the user's. The ref watcher sees every move of HEAD, Herald's own merges
// included; a move is a local commit only when it is neither the HEAD last seen nor the move the
// merger is making right now. This object is the one owner of both facts (the merger reports its
// moves here; the local-commit watcher asks).
export class HeadTracker {
  #last: string | null = null;
  #moving: { from: string; to: string } | null = null;

  get last(): string | null { return this.#last; }

  /** HEAD as found at start-up, or as a merge left it. */
  settled(sha: string | null): void { this.#last = sha; }

  /** The merger is moving HEAD from `from` to `to`; ref events meanwhile are ours. */
  moving(from: string, to: string): void { this.#moving = { from, to }; }

  moved(): void { this.#moving = null; }

  /** A HEAD the ref watcher read: true (and remembered) when it is a new local commit. */
  isLocalCommit(head: string): boolean {
    const m = this.#moving;
    if (head === this.#last || (m && (head === m.from || head === m.to))) return false;
    this.#last = head;
    return true;
  }
}
