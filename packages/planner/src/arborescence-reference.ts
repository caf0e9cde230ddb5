// The textbook O(V·E) Chu–Liu/Edmonds algorithm (Chu & Liu 1965; Edmonds 1967), written for
// clarity and shared with nothing else in the package. It exists only as a test oracle for
// minCostArborescence on graphs too big for brute force; production code must not use it.
//
// Each round picks every node's cheapest entering edge. No cycle: done. Otherwise every cycle
// is contracted into one node, and an edge entering a cycle at v costs its cost minus the cost
// of v's pick (what switching v's parent to it adds). Rounds are kept on a stack (not recursion)
// and expanded in reverse: a cycle keeps its picks except at the node its chosen entering edge
// reaches.
import type { ArborescenceResult, PlanGraph } from "./plan-graph.js";

interface Edge { u: number; v: number; w: number; below: number } // below: index one round down
interface Round { edges: Edge[]; pick: number[]; inCycle: boolean[] }

export function referenceArborescence(graph: PlanGraph): ArborescenceResult {
  const ids = [...new Set(graph.nodes)].sort();
  const num = new Map(ids.map((id, i) => [id, i] as const));
  const root = num.get(graph.root);
  if (root === undefined) throw new Error(`unknown root ${graph.root}`);
  const raw = graph.edges.map(([f, t, w]) => {
    const u = num.get(f);
    const v = num.get(t);
    if (u === undefined || v === undefined || !(w >= 0 && w < Infinity)) throw new Error(`bad edge ${f}->${t}`);
    return { u, v, w, below: -1 };
  });
  const reached = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of raw) {
      if (reached.has(e.u) && !reached.has(e.v)) {
        reached.add(e.v);
        grew = true;
      }
    }
  }

  let edges = raw.filter((e) => e.u !== e.v && e.v !== root && reached.has(e.u));
  let n = ids.length;
  let r = root;
  const rounds: Round[] = [];
  for (;;) {
    const pick = new Array<number>(n).fill(-1);
    edges.forEach((e, i) => {
      if (pick[e.v] === -1 || e.w < edges[pick[e.v]!]!.w) pick[e.v] = i;
    });
    const comp = new Array<number>(n).fill(-1);
    const mark = new Array<number>(n).fill(-1);
    let count = 0;
    for (let s = 0; s < n; s++) {
      let x = s;
      while (x !== r && pick[x] !== -1 && mark[x] === -1 && comp[x] === -1) {
        mark[x] = s;
        x = edges[pick[x]!]!.u;
      }
      if (x !== r && pick[x] !== -1 && mark[x] === s && comp[x] === -1) {
        for (let y = x; comp[y] === -1; y = edges[pick[y]!]!.u) comp[y] = count; // a new cycle
        count++;
      }
    }
    const inCycle = comp.map((c) => c !== -1);
    rounds.push({ edges, pick, inCycle });
    if (count === 0) break;
    for (let x = 0; x < n; x++) if (comp[x] === -1) comp[x] = count++;
    const next: Edge[] = [];
    edges.forEach((e, i) => {
      if (comp[e.u] === comp[e.v]) return;
      const w = inCycle[e.v] ? e.w - edges[pick[e.v]!]!.w : e.w;
      next.push({ u: comp[e.u]!, v: comp[e.v]!, w, below: i });
    });
    edges = next;
    n = count;
    r = comp[r]!;
  }

  // Expand: the last round's picks are final; map them down round by round.
  const last = rounds[rounds.length - 1]!;
  let chosen = last.pick.filter((i) => i !== -1);
  for (let k = rounds.length - 2; k >= 0; k--) {
    const { edges: below, pick, inCycle } = rounds[k]!;
    const down = chosen.map((i) => rounds[k + 1]!.edges[i]!.below);
    const entered = new Set(down.map((i) => below[i]!.v));
    chosen = down;
    pick.forEach((i, v) => {
      if (inCycle[v] && !entered.has(v)) chosen.push(i);
    });
  }

  const parent: Record<string, string> = Object.create(null) as Record<string, string>;
  let cost = 0;
  for (const i of chosen) {
    const e = rounds[0]!.edges[i]!; // round 0 holds the original edges and costs
    parent[ids[e.v]!] = ids[e.u]!;
    cost += e.w;
  }
  return { parent, cost, unreachable: ids.filter((_, i) => !reached.has(i)) };
}
