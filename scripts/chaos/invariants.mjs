// What must hold once the faults stop, as figures: commits lost, HEADs, conflict markers in any
// commit, merges that dropped a side of a conflict, clones mid-merge, uncommitted work changed,
// activity in the quiet period, agents dead. Read with git plumbing from each clone's own files.
import { droppedSides } from "@herald/testkit";
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
  return JSON.stringify(await refsOf(net));
}

/** Each clone's (and the hub's) refs: { clone: { ref: sha } }. */
export async function refsOf(net) {
  const dirs = [...net.names.map((c) => [c, net.clones[c]]), ...(net.hub ? [["hub", net.hub]] : [])];
  const each = await Promise.all(dirs.map(async ([c, d]) => [c, Object.fromEntries((await gitIn(d)("for-each-ref", "--format=%(refname) %(objectname)")).trim().split("\n").filter(Boolean).map((l) => l.split(" ")))]));
  return Object.fromEntries(each);
}

/**
 * What moved between two refsOf readings. A clone's record of a peer's branch (refs/remotes/)
 * that went away or came to hold a commit the clone's HEAD has already is the agents' own
 * bookkeeping, not a change of the repository: a record is emptied once merged (with ref watching
 * off, at the agent's next pass), and a push retried after a backoff may land, long after the
 * network went quiet, a head its peer has merged meanwhile. Listed, with `bookkeeping` set.
 */
export async function refsMoved(net, before, after) {
  const moved = [];
  for (const c of Object.keys(before)) {
    const dir = c === "hub" ? net.hub : net.clones[c];
    const inHead = (sha) => sha === null || gitIn(dir)("merge-base", "--is-ancestor", sha, "HEAD").then(() => true, () => false);
    for (const ref of new Set([...Object.keys(before[c]), ...Object.keys(after[c] ?? {})])) {
      const was = before[c][ref] ?? null, now = after[c]?.[ref] ?? null;
      if (was === now) continue;
      const bookkeeping = c !== "hub" && ref.startsWith("refs/remotes/") && (await inHead(was)) && (await inHead(now));
      moved.push({ clone: c, ref, was, now, bookkeeping });
    }
  }
  return moved;
}

/** Commits of `commits` missing from the history of some clone: (commit, clone) pairs, and the
 * first few commits with where they were made and where they are missing, to start looking. */
async function lost(net, commits) {
  let n = 0;
  const missing = new Map();
  for (const c of net.names) {
    const have = new Set((await gitIn(net.clones[c])("rev-list", "HEAD")).split("\n"));
    for (const x of commits.filter((x) => !have.has(x.sha))) {
      n++;
      if (!missing.has(x.sha)) missing.set(x.sha, { ...x, missingFrom: [] });
      missing.get(x.sha).missingFrom.push(c);
    }
  }
  return { n, first: [...missing.values()].slice(0, 5) };
}

/** Commits whose change (against the first parent, merges included) adds a conflict marker line. */
async function withMarkers(g) {
  const out = await g("log", "--format=%H", "--diff-merges=first-parent", "-G^(<<<<<<<|>>>>>>>)( |$)", "HEAD");
  return out.split("\n").filter(Boolean).length;
}

/** Files a clone shows as changed or unknown, and whether it is mid-merge or holds a lock. */
async function cloneState(dir) {
  const g = gitIn(dir);
  const midMerge = ["MERGE_HEAD", "index.lock", join("herald", "advance.json")].filter((f) => existsSync(join(dir, ".git", f)));
  const dirty = (await g("status", "--porcelain", "-z")).split("\0").filter(Boolean);
  return { midMerge, dirty };
}

/** All the figures; `wip` = [{clone, path, bytes}] uncommitted work that must be untouched. */
export async function checkInvariants({ net, commits, wip, herald, quietMs, settleMs = 60_000 }) {
  const hs = await heads(net);
  const g1 = gitIn(net.clones[net.names[0]]);
  // Quiet: a window of `quietMs` in which no ref moves anywhere and no agent pushes, fetches,
  // merges or announces. The tail of a storm (late fetches of announcements, tracking refs
  // emptied once merged) may take a few windows; after `settleMs` it counts as not quiet.
  const counts = () => Object.values(herald.agents).flatMap((a) => a.records).filter((r) => /push|fetch|merge|announce/.test(r.event)).reduce((m, r) => ({ ...m, [r.event]: (m[r.event] ?? 0) + 1 }), {});
  const t0 = Date.now();
  let quiet = false, refsStill = false, activity = {};
  while (!quiet && Date.now() - t0 < settleMs) {
    const before = await snapshot(net);
    const c0 = counts();
    await sleep(quietMs);
    refsStill = (await snapshot(net)) === before;
    activity = Object.fromEntries(Object.entries(counts()).map(([k, v]) => [k, v - (c0[k] ?? 0)]).filter(([, d]) => d > 0));
    quiet = refsStill && Object.keys(activity).length === 0;
  }
  const quietAfterS = Math.round((Date.now() - t0 - quietMs) / 100) / 10;
  const states = await Promise.all(net.names.map((c) => cloneState(net.clones[c])));
  const wipChanged = (await Promise.all(wip.map(async (w) => (await readFile(join(net.clones[w.clone], w.path)).catch(() => Buffer.alloc(0))).equals(w.bytes)))).filter((same) => !same).length;
  const expectedDirty = new Map(wip.map((w) => [w.clone, ` M ${w.path}`]));
  const { checked, dropped, examples } = await droppedSides(net.clones[net.names[0]]);
  return {
    commits: commits.length,
    ...await lost(net, commits).then(({ n, first }) => ({ lost: n, ...(n ? { lostCommits: first } : {}) })),
    heads: new Set(hs).size,
    commitsWithMarkers: await withMarkers(g1),
    conflictPathsChecked: checked,
    sidesDropped: dropped,
    ...(dropped ? { droppedExamples: examples } : {}),
    ...(quiet ? {} : { quietBroken: { refsMoved: !refsStill, activity } }),
    midMerge: states.filter((s) => s.midMerge.length).length,
    strayChanges: states.reduce((n, s, i) => n + s.dirty.filter((d) => d !== expectedDirty.get(net.names[i])).length, 0),
    wipChanged,
    quiet,
    ...(quiet ? { quietAfterS } : {}),
    agentsDead: net.names.filter((c) => !herald.alive(c)).length,
  };
}

/** True when every figure says nothing was lost or broken. */
export const passed = (f) => !f.faultErrors && f.lost === 0 && f.heads === 1 && f.commitsWithMarkers === 0 && f.sidesDropped === 0 && f.midMerge === 0 && f.strayChanges === 0 && f.wipChanged === 0 && f.quiet && f.agentsDead === 0;
