// The network commands running now (push, fetch, ls-remote over ssh, git://, http), per remote,
// and when each last printed something. A dead link shows here first: the command goes quiet
// long before ssh's keep-alive, a fallback connection's ConnectTimeout and the watchdog
// (herald.networkTimeout) have ended it (about 20 s at a cut, in the test kit's simulator), and
// status names the remote from the moment it has been quiet for QUIET_NOTICE_MS.

/** How long a running network command may print nothing before status calls its remote unreachable. */
export const QUIET_NOTICE_MS = 10_000;

export interface NetworkCall { remote: string; command: string; started: number; lastOutput: number }

export class NetworkCalls {
  #running = new Set<NetworkCall>();

  start(remote: string, command: string, now = Date.now()): NetworkCall {
    const call = { remote, command, started: now, lastOutput: now };
    this.#running.add(call);
    return call;
  }

  end(call: NetworkCall): void {
    this.#running.delete(call);
  }

  /** The remote's running command quiet the longest, when it has been quiet `quietMs` or more. */
  quiet(remote: string, now: number, quietMs = QUIET_NOTICE_MS): NetworkCall | null {
    let found: NetworkCall | null = null;
    for (const c of this.#running) if (c.remote === remote && now - c.lastOutput >= quietMs && (!found || c.lastOutput < found.lastOutput)) found = c;
    return found;
  }
}
