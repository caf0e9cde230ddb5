// @ts-check
// The floor for content: the transfers Herald's plan makes for one key, run by hand as fast as
// git-annex goes. The tree is the planner's own (minCostArborescence over the same edges and
// costs the agents advertise: plan-targets.ts ownAdverts), rooted at the clone that committed.
// A node holding the content sends it to all its children at once (`git annex copy --key=KEY
// --to=CHILD`); a child below a passive repository (the bare cloud: nobody there can send) gets
// it itself (`git annex get --key=KEY --from=PARENT`); the next hop starts the moment the last
// one has returned. Nothing else runs: no git sync of the commit, no location-log travel.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { minCostArborescence } from "@herald/planner";

const execFileP = promisify(execFile);

/** As the agents name a bare repository (packages/agent/src/sync/plan-targets.ts passiveNodeId). */
export const passiveNodeId = (/** @type {string} */ location) => `bare-${createHash("sha256").update(location.replace(/\/+$/, "")).digest("hex").slice(0, 12)}`;

/**
 * @typedef {object} FloorNode
 * @property {string} name   the clone's name (the remote name its neighbours use for it)
 * @property {string} dir
 * @property {boolean} passive  a bare repository (no agent)
 * @property {string} id     its node id in the plan
 * @typedef {{ from: string, to: string, cost: number }} FloorEdge  by clone name
 */

/**
 * The transfers of the plan, parent → children by name, for content committed on `root`.
 * Edge costs as advertised: a passive repository's edge out costs one more (FETCH_PENALTY).
 * @param {FloorNode[]} nodes
 * @param {FloorEdge[]} edges  both directions, as the clones' remotes and costs say
 * @param {string} root
 */
export function floorTree(nodes, edges, root) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const id = (/** @type {string} */ name) => /** @type {FloorNode} */ (byName.get(name)).id;
  /** @type {Array<[string, string, number]>} */
  const planEdges = edges.map((e) => [id(e.from), id(e.to), e.cost + (byName.get(e.from)?.passive ? 1 : 0)]);
  const plan = minCostArborescence({ nodes: nodes.map((n) => n.id), edges: planEdges, root: id(root) });
  if (plan.unreachable.length) throw new Error(`floor: the plan does not reach ${plan.unreachable.join(", ")}`);
  /** @type {Map<string, FloorNode[]>} */
  const children = new Map();
  for (const n of nodes) {
    const p = plan.parent[n.id];
    if (p === undefined) continue;
    const parent = /** @type {FloorNode} */ (nodes.find((m) => m.id === p));
    children.set(parent.name, [...(children.get(parent.name) ?? []), n]);
  }
  return children;
}

/**
 * Run the plan's transfers of `key` from `root`: every node's children at once, hop after hop.
 * Resolves with the transfers run, each with the ms it took.
 * @param {FloorNode[]} nodes
 * @param {Map<string, FloorNode[]>} children
 * @param {string} root
 * @param {string} key
 * @param {() => number} now
 */
export async function runFloor(nodes, children, root, key, now) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  /** @type {{ from: string, to: string, ms: number }[]} */
  const done = [];
  /** @param {FloorNode} from @param {FloorNode} to */
  const hop = async (from, to) => {
    const t = now();
    // The sender runs it; below a passive repository, the receiver fetches it.
    const [cwd, args] = from.passive ? [to.dir, ["get", `--key=${key}`, `--from=${from.name}`]] : [from.dir, ["copy", `--key=${key}`, `--to=${to.name}`]];
    await execFileP("git", ["annex", ...args, "--quiet"], { cwd });
    done.push({ from: from.name, to: to.name, ms: Math.round(now() - t) });
    await below(to);
  };
  /** @param {FloorNode} n */
  const below = async (n) => { await Promise.all((children.get(n.name) ?? []).map((c) => hop(n, c))); };
  await below(/** @type {FloorNode} */ (byName.get(root)));
  return done;
}

/**
 * Bring the commit that names the content to every repository along the same tree, before the
 * floor's clock starts: the floor's copies then find the repositories as Herald's find them, the
 * file checked out as a pointer, and git-annex does its whole receiving side (it fills the
 * pointer file of an unlocked file, `git update-index` included) where it used to do only the
 * object. Moving the commit is not timed: the floor is the content's own cost.
 * @param {FloorNode[]} nodes
 * @param {Map<string, FloorNode[]>} children
 * @param {string} root
 */
export async function syncCommit(nodes, children, root) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const rootDir = /** @type {FloorNode} */ (byName.get(root)).dir;
  const branch = (await execFileP("git", ["symbolic-ref", "--short", "HEAD"], { cwd: rootDir })).stdout.trim();
  /** @param {FloorNode} n */
  const below = async (n) => {
    for (const c of children.get(n.name) ?? []) {
      if (c.passive) await execFileP("git", ["fetch", "-q", n.dir, `${branch}:${branch}`], { cwd: c.dir });
      else {
        await execFileP("git", ["fetch", "-q", n.dir, branch], { cwd: c.dir });
        await execFileP("git", ["merge", "-q", "--ff-only", "FETCH_HEAD"], { cwd: c.dir });
      }
      await below(c);
    }
  };
  await below(/** @type {FloorNode} */ (byName.get(root)));
}
