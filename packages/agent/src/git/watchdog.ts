// The watchdog's timers, shared by git's runner and git-annex's (the policy: network-policy.ts).
// Each byte of output is progress (poke). Once the command has been quiet for idleMs, it is asked
// whether its ssh moved bytes meanwhile (ssh-activity.ts: the last part of a push travels with no
// word from git); if not, it fires. Half-way through a quiet spell ssh's counters are read once,
// so that the answer at the end compares with something.

export interface Watchdog {
  /** The command printed something: the wait starts again. */
  poke(): void;
  /** The command ended: nothing fires. */
  stop(): void;
}

export function startWatchdog(idleMs: number, pgid: () => number, fire: () => void, moving?: (pgid: number) => Promise<boolean>): Watchdog {
  let half: NodeJS.Timeout | undefined, full: NodeJS.Timeout | undefined;
  let seen = 0, ended = false;
  const arm = () => {
    clearTimeout(half);
    clearTimeout(full);
    if (moving) half = setTimeout(() => void moving(pgid()).catch(() => false), idleMs / 2);
    full = setTimeout(async () => {
      const mark = seen;
      const still = moving ? await moving(pgid()).catch(() => false) : false;
      if (ended || seen !== mark) return; // it ended, or spoke, meanwhile (and waits again)
      if (still) return arm();
      ended = true;
      fire();
    }, idleMs);
  };
  arm();
  return {
    poke: () => { if (!ended) { seen++; arm(); } },
    stop: () => { ended = true; clearTimeout(half); clearTimeout(full); },
  };
}
