// What must hold once the faults stop, as figures: commits lost, HEADs, conflict markers in any
// commit, merges that dropped a side of a conflict, clones mid-merge, uncommitted work changed,
// activity in the quiet period, agents dead. Read with git plumbing from each clone's own files.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sleep } from "../bench/lib.mjs";
import { gitIn } from "./edits.mjs";

const heads = (net) => Promise.all(net.names.map(async (c) => (await gitIn(net.clones[c])("rev-parse", "HEAD")).trim()));

/** Poll (the harness's own watch, not Herald's) until every clone and the hub have one HEAD. */
export async function waitForOneHead(net, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hs = await heads(net).catch(() => []);
    if (net.hub) hs.push((await gitIn(net.hub)("rev-parse", "refs/heads/main").catch(() => "")).trim());
    if (hs.length && hs.every((h) => h === hs[0])) return hs[0];
    if (Date.now() > deadline) return null;
    await sleep(250);
  }
}

/** Every ref of every clone (and the hub), as one string: unchanged = nothing moved. */
export async function snapshot(net) {
  const dirs = [...net.names.map((c) => net.clones[c]), ...(net.hub ? [net.hub] : [])];
  return (await Promise.all(dirs.map((d) => gitIn(d)("for-each-ref", "--format=%(refname) %(objectname)")))).join("\n");
}

/** Commits of `commits` missing from the history of some clone (count per clone). */
async function lost(net, commits) {
  let n = 0;
  for (const c of net.names) {
    const have = new Set((await gitIn(net.clones[c])("rev-list", "HEAD")).split("\n"));
    n += commits.filter((x) => !have.has(x.sha)).length;
  }
  return n;
}

/** Commits whose change (against the first parent, merges included) adds a conflict marker line. */
async function withMarkers(g) {
  const out = await g("log", "--format=%H", "--diff-merges=first-parent", "-G^(<<<<<<<|>>>>>>>)( |$)", "HEAD");
  return out.split("\n").filter(Boolean).length;
}

/**
 * Merges that lost a side: for every two-parent merge, each path both sides changed differently
 * since their merge base must have each side's version (blob) somewhere in the merge's tree,
 * under its name or as a variant; a side that deleted the path has nothing to keep.
 */
async function droppedSides(g) {
  const merges = (await g("rev-list", "--merges", "--parents", "HEAD")).split("\n").filter(Boolean).map((l) => l.split(" "));
  let checked = 0, dropped = 0;
  const changes = async (base, tip) => new Map((await g("diff", "--raw", "--no-renames", "-z", base, tip)).split(":").filter(Boolean).map((rec) => {
    const [meta, path] = rec.split("\0");
    const [, , from, to] = meta.split(" ");
    return [path, from === to ? null : to]; // null: the mode alone changed, not the content
  }).filter(([, to]) => to !== null));
  for (const [m, p1, p2, ...more] of merges) {
    if (more.length || !p2) continue;
    const base = (await g("merge-base", p1, p2).catch(() => "")).trim();
    if (!base) continue;
    const [a, b] = await Promise.all([changes(base, p1), changes(base, p2)]);
    const both = [...a.keys()].filter((p) => b.has(p) && b.get(p) !== a.get(p));
    if (!both.length) continue;
    const blobs = new Set((await g("ls-tree", "-r", "--format=%(objectname)", m)).split("\n"));
    for (const p of both) {
      checked++;
      for (const blob of [a.get(p), b.get(p)]) if (!/^0+$/.test(blob) && !blobs.has(blob)) dropped++;
    }
  }
  return { checked, dropped };
}

/** Files a clone shows as changed or unknown, and whether it is mid-merge or holds a lock. */
async function cloneState(dir) {
  const g = gitIn(dir);
  const midMerge = ["MERGE_HEAD", "index.lock", join("herald", "advance.json")].filter((f) => existsSync(join(dir, ".git", f)));
  const dirty = (await g("status", "--porcelain", "-z")).split("\0").filter(Boolean);
  return { midMerge, dirty };
}

/** All the figures; `wip` = [{clone, path, bytes}] uncommitted work that must be untouched. */
export async function checkInvariants({ net, commits, wip, herald, quietMs }) {
  const hs = await heads(net);
  const g1 = gitIn(net.clones[net.names[0]]);
  const before = await snapshot(net);
  const records = () => Object.values(herald.agents).reduce((s, a) => s + a.records.filter((r) => /push|fetch|merge|announce/.test(r.event)).length, 0);
  const r0 = records();
  await sleep(quietMs);
  const quiet = (await snapshot(net)) === before && records() === r0;
  const states = await Promise.all(net.names.map((c) => cloneState(net.clones[c])));
  const wipChanged = (await Promise.all(wip.map(async (w) => (await readFile(join(net.clones[w.clone], w.path)).catch(() => Buffer.alloc(0))).equals(w.bytes)))).filter((same) => !same).length;
  const expectedDirty = new Map(wip.map((w) => [w.clone, ` M ${w.path}`]));
  const { checked, dropped } = await droppedSides(g1);
  return {
    commits: commits.length,
    lost: await lost(net, commits),
    heads: new Set(hs).size,
    commitsWithMarkers: await withMarkers(g1),
    conflictPathsChecked: checked,
    sidesDropped: dropped,
    midMerge: states.filter((s) => s.midMerge.length).length,
    strayChanges: states.reduce((n, s, i) => n + s.dirty.filter((d) => d !== expectedDirty.get(net.names[i])).length, 0),
    wipChanged,
    quiet,
    agentsDead: net.names.filter((c) => !herald.alive(c)).length,
  };
}

/** True when every figure says nothing was lost or broken. */
export const passed = (f) => f.lost === 0 && f.heads === 1 && f.commitsWithMarkers === 0 && f.sidesDropped === 0 && f.midMerge === 0 && f.strayChanges === 0 && f.wipChanged === 0 && f.quiet && f.agentsDead === 0;
