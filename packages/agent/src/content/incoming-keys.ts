// Keys learnt from a peer's commit the moment it lands in refs/remotes/<peer>/<branch>, before
// this clone has merged it. A merge's checkout runs git-annex's smudge filter before the branch
// moves, 0.5-1.5 s on a busy machine, and each hop of a line used to wait for it before it knew
// which content to pass on, though the content itself often lands sooner. Only where every
// incoming tip may be merged (herald.verify off): a tip that verification may refuse names
// nothing here until it is merged.
import type { GitRepo } from "../git/repo.js";
import type { Logger } from "../log.js";
import { CoalescingLoop } from "../nudge.js";
import { incomingTipRefs } from "../sync/merger.js";
import { keysOfChange, type ChangedKey } from "./change-keys.js";

export class IncomingKeys {
  /** the tips already read, by ref */
  #seen = new Map<string, string>();
  /** the base each recent tip was read against, by tip */
  #readFrom = new Map<string, string | null>();
  #loop: CoalescingLoop;

  /** `base`: this clone's HEAD as the content part last read it. `found`: the keys a pass found,
   * each with the namespace of the ref that brought it. */
  constructor(private readonly repo: GitRepo, private readonly base: () => string | null, found: (keys: Array<ChangedKey & { namespace: string }>) => void, private readonly log: Logger) {
    this.#loop = new CoalescingLoop("content-incoming", async () => found(await this.#moved()), log);
  }

  /** A remote-tracking ref moved (one pass running at most, one more waiting). */
  nudge(): void { this.#loop.nudge(); }
  idle(): Promise<void> { return this.#loop.idle(); }
  stop(): Promise<void> { return this.#loop.stop(); }

  /** Whether `tip`'s keys were read against `base`: HEAD fast-forwarded from `base` to `tip`
   * brings exactly those (git diff base...tip is base..tip when base is an ancestor of tip). */
  readAgainst(base: string, tip: string): boolean { return this.#readFrom.get(tip) === base; }

  /** The keys of tips that moved since the last pass, each brought since the tip forked from
   * the base (a tip already merged brings nothing). */
  async #moved(): Promise<Array<ChangedKey & { namespace: string }>> {
    const { branch } = await this.repo.headState();
    if (!branch) return [];
    const base = this.base();
    const out: Array<ChangedKey & { namespace: string }> = [];
    for (const [ref, sha] of incomingTipRefs(await this.repo.refs("refs/remotes/"), branch)) {
      if (this.#seen.get(ref) === sha || sha === base) continue;
      this.#seen.set(ref, sha);
      const namespace = ref.slice("refs/remotes/".length).split("/")[0]!;
      for (const k of await keysOfChange(this.repo, base, sha, true)) out.push({ ...k, namespace });
      this.#readFrom.set(sha, base);
      if (this.#readFrom.size > 64) this.#readFrom.delete(this.#readFrom.keys().next().value!);
      this.log.debug("content-keys", { to: sha, from: base, on: "landed", ref });
    }
    return out;
  }
}
