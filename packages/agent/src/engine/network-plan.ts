// The network map as this clone knows it (its own remotes plus the adverts peers gossiped), and
// the plan over it: the minimum-cost arborescence rooted at a change's origin. The one owner of
// the heard adverts and of the sequence numbers of our own.
import { graphFromAdverts, minCostArborescence } from "@herald/planner";
import type { NetworkMapAdvert } from "@herald/protocol";
import { ownAdverts, pushTargets } from "../sync/plan-targets.js";
import { fetchesThrough } from "../xmpp/announce-policy.js";
import { planHops, type PlanParent } from "../sync/fetch-policy.js";
import type { RemoteSet } from "../sync/remote-set.js";

export class NetworkPlan {
  /** Adverts heard from peers, newest per (node, advertiser). */
  #heard = new Map<string, NetworkMapAdvert>();
  #seq = 0;

  constructor(private readonly node: string, private readonly repoId: string, private readonly remotes: RemoteSet, private readonly failing: () => ReadonlySet<string>) {}

  /** An allow-listed peer's advert (the channel checked trust and order). */
  hear(m: NetworkMapAdvert): void {
    this.#heard.set(`${m.node} ${m.by ?? m.node}`, m);
  }

  get heardCount(): number { return this.#heard.size; }

  /** Nodes that gossiped a map of their own (running agents, not passive repositories). */
  heardNodes(): Set<string> {
    return new Set([...this.#heard.values()].filter((m) => !m.passive && m.by === undefined).map((m) => m.node));
  }

  /** Our adverts with a new sequence number: what is published. */
  advertise(): NetworkMapAdvert[] {
    this.#seq = Math.max(this.#seq + 1, Date.now());
    return this.#own();
  }

  /** Everything known: peers' adverts and our own as they stand. */
  adverts(): NetworkMapAdvert[] {
    return [...this.#heard.values(), ...this.#own()];
  }

  /** `failingToo`: our own links as if none were failing (a new head tries them all). */
  #own(failingToo = false): NetworkMapAdvert[] {
    return ownAdverts(this.node, this.repoId, this.remotes.all(), failingToo ? new Set() : this.failing(), this.#seq, Date.now());
  }

  /** Our parent in the plan rooted at `origin`, when the map knows both. */
  parent(origin: string): PlanParent | null {
    const adverts = this.adverts();
    const graph = graphFromAdverts(adverts);
    if (!graph.nodes.includes(origin) || !graph.nodes.includes(this.node)) return null;
    const tree = minCostArborescence({ nodes: graph.nodes, edges: graph.edges, root: origin }).parent;
    const parent = tree[this.node];
    return parent === undefined ? null : { node: parent, passive: adverts.some((a) => a.node === parent && a.passive === true), hops: planHops(tree, this.node, origin) };
  }

  /** Whether some clone has us as a remote but not `announcer` (null: a head we made), and is not
   * known to have the head (`holders`): it may fetch only through us. */
  fetchesThrough(announcer: string | null, holders: readonly string[] = []): boolean {
    return fetchesThrough(this.adverts(), this.node, announcer, holders);
  }

  /** Remote names to push to for a change that came from `origin`, cheapest first. `failingToo`:
   * plan as if our failing remotes were up (a new head goes to them too: it may be what finds
   * one back; a push that fails again re-plans round it, engine/head-router.ts). */
  targets(origin: string, failingToo = false): string[] {
    return pushTargets([...this.#heard.values(), ...this.#own(failingToo)], this.node, origin, this.remotes.all());
  }
}
