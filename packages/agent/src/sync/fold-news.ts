// Whether a fold in progress is out of date: newer work came in since it began, so the heads it
// folds are not the ones to merge any more (merger.ts gives it up between steps and folds again).
// A storm showed why: each node's first fold was of the heads it held when the first push came
// in, the others' next commits landed while it ran, and the whole mesh folded twice.
//
// What does not count: a peer's Herald merge of user commits the fold already has (in a mesh
// every node pushes its own fold of what it holds). `userFrontier` would open it into those very
// commits, so folding again would make the same merge. Read from the clone's cat-file process;
// no git process, and nothing at all until the merge loop has been nudged.
import { ancestorsWithin } from "../git/ancestry.js";
import { isHeraldMerge } from "../git/merge-commit.js";
import type { GitRepo } from "../git/repo.js";

/** How far back from the fold's heads a peer's user commit counts as one the fold has. */
const ANCESTORS = 256;
/** How many of Herald's merges a new tip may be opened through before it counts as news. */
const OPEN = 64;

export class FoldNews {
  /** tips already judged (the fold's own among them) */
  readonly #judged: Set<string>;
  #covered: Promise<Set<string>> | null = null;

  /** `head`: HEAD when the fold began; `tips`: the incoming tips it saw; `frontier`: what it
   * folds; `nudged`: whether the merge loop was nudged since the pass began. */
  constructor(
    private readonly repo: GitRepo,
    private readonly head: string,
    tips: readonly string[],
    private readonly frontier: readonly string[],
    private readonly incoming: () => Promise<string[]>,
    private readonly nudged: () => boolean,
  ) {
    this.#judged = new Set([head, ...tips]);
  }

  /** True when HEAD moved (a local commit) or a tip came in that carries a user commit the
   * fold lacks; unsure (a commit not read, too deep) counts as news. */
  async newer(): Promise<boolean> {
    if (!this.nudged()) return false;
    if ((await this.repo.headState()).sha !== this.head) return true;
    for (const tip of await this.incoming()) {
      if (this.#judged.has(tip)) continue;
      this.#judged.add(tip);
      if (!(await this.#carriesNothingNew(tip))) return true;
    }
    return false;
  }

  async #carriesNothingNew(tip: string): Promise<boolean> {
    const covered = await (this.#covered ??= ancestorsWithin((sha) => this.repo.commit(sha).catch(() => null), this.frontier, ANCESTORS));
    const todo = [tip];
    let opened = 0;
    while (todo.length) {
      const sha = todo.pop()!;
      if (covered.has(sha)) continue;
      const c = await this.repo.commit(sha).catch(() => null);
      if (!c || !isHeraldMerge(c) || ++opened > OPEN) return false;
      todo.push(...c.parents);
    }
    return true;
  }
}
