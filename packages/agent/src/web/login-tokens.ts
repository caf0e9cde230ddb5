// One-time login tokens for the dashboard's link (`herald open`): the running Herald makes one
// when asked over its control socket (which only this user can reach), and the dashboard trades
// it once, within a minute, for its session cookie. The link never carries the API key, so a
// browser's history, a screen share or a pasted terminal shows nothing that still works.
import { randomBytes } from "node:crypto";
import { sameSecret } from "./auth.js";

export const LOGIN_TOKEN_TTL_MS = 60_000;

export class LoginTokens {
  /** token → when it stops working (ms since the epoch, by `now`) */
  #live = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = LOGIN_TOKEN_TTL_MS) {}

  issue(): string {
    this.#prune();
    // Each `herald open` makes one; a script calling it in a loop must not grow this for ever.
    if (this.#live.size >= 100) this.#live.delete(this.#live.keys().next().value!);
    const token = randomBytes(32).toString("base64url");
    this.#live.set(token, this.now() + this.ttlMs);
    return token;
  }

  /** True once for a token issued less than the TTL ago; it is gone afterwards, used or not. */
  redeem(given: string): boolean {
    this.#prune();
    for (const token of this.#live.keys()) {
      // Compared in constant time: the map lookup alone would time the guess.
      if (sameSecret(given, token)) {
        this.#live.delete(token);
        return true;
      }
    }
    return false;
  }

  /** Expired ones go (a link nobody clicked must not live on in memory). */
  #prune(): void {
    const now = this.now();
    for (const [token, until] of this.#live) if (until <= now) this.#live.delete(token);
  }
}
