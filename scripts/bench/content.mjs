// Section content: one 20 MB file committed on c1 (annex.largefiles=anything, so `git add`
// annexes it) until its content is in every repository, Herald (content along the plan, XMPP on)
// against git-annex's assistant (which floods: every clone that gets the content offers it to its
// remotes). Three topologies: a 5-clone line and a 5-clone star (every edge alike: local paths
// standing for network links), and git-annex's own efficiency case (doc/design/assistant/syncing/
// efficiency): c1 and c2 ("laptops A and B") on a cheap edge, a bare "cloud" repository both reach
// over expensive edges, c3 reaching only the cloud. The bytes are counted from outside both
// systems, the same way for both (received.mjs: content arriving in each repository's annex, and
// the transfers that touched the cloud); Herald's own transfer records are shown beside them.
// Arrival is seen by the bench, not by either system: the moment the content is renamed into a
// repository's annex/objects (received.mjs), confirmed afterwards by `git annex contentlocation`. The floor
// (content-floor.mjs) runs the same transfers as Herald's plan by hand, `git annex copy --key`
// hop after hop, children at once: what the content costs with nothing but git-annex moving it.
import { createHash, randomBytes } from "node:crypto";
import { hasContent, makeSandbox } from "@herald/testkit";
import { startAnnex } from "./annex.mjs";
import { floorTree, passiveNodeId, runFloor, syncCommit } from "./content-floor.mjs";
import { settle, startHerald } from "./herald.mjs";
import { commitNewFile, cpuMs, git, now, round, sleep, statFields } from "./lib.mjs";
import { keySize, watchReceived } from "./received.mjs";
import { buildTopology, configureXmpp, label, names, removeSandbox } from "./topology.mjs";

const CHEAP = 1;
const EXPENSIVE = 200;

/** The efficiency case: c1–c2 cheap, every clone to the bare cloud expensive, c3 only to it. */
async function buildCloud(cleanup, costKey) {
  const sb = await makeSandbox(names(3), [["c1", "c2"]], { bares: ["cloud"] });
  const dispose = cleanup.add(`sandbox ${sb.root}`, () => removeSandbox(sb));
  cleanup.paths.add(sb.root);
  await git(sb.bare.cloud, "annex", "init", "-q", "cloud");
  for (const c of names(3)) await git(sb.clones[c], "config", `remote.cloud.${costKey}`, String(EXPENSIVE));
  await git(sb.clones.c1, "config", `remote.c2.${costKey}`, String(CHEAP));
  await git(sb.clones.c2, "config", `remote.c1.${costKey}`, String(CHEAP));
  return { shape: "cloud", n: 3, sb, clones: sb.clones, origin: sb.clones.c1, cloud: sb.bare.cloud, dispose };
}

/** Every repository but c1, the cloud included: { name: { dir, bare } }. */
const receivers = (topo) => ({
  ...Object.fromEntries(names(topo.n).slice(1).map((c) => [c, { dir: topo.clones[c], bare: false }])),
  ...(topo.cloud ? { cloud: { dir: topo.cloud, bare: true } } : {}),
});

/** ms from `t0` until every repository holds the content (null: not within `timeoutMs`). The
 * clock stops at each repository's arrival as the watch saw it (no process started while the
 * content moves: a poll of `git annex contentlocation` every 50 ms took a git-annex start per
 * repository each time, CPU taken from the transfers it timed); git-annex confirms each one
 * afterwards, and a repository it does not confirm is polled until it does. */
async function spread(repos, watch, key, t0, timeoutMs) {
  const waiting = new Set(Object.keys(repos));
  const at = {};
  while (waiting.size && now() - t0 < timeoutMs) {
    for (const r of [...waiting]) if (watch.arrivedAt[r] !== undefined) { at[r] = watch.arrivedAt[r]; waiting.delete(r); }
    if (waiting.size) await sleep(10);
  }
  for (const r of Object.keys(at)) if (!(await hasContent(repos[r].dir, key))) { delete at[r]; waiting.add(r); }
  while (waiting.size && now() - t0 < timeoutMs) {
    for (const r of [...waiting]) if (await hasContent(repos[r].dir, key)) { at[r] = now(); waiting.delete(r); }
    if (waiting.size) await sleep(50);
  }
  return { ms: waiting.size ? null : round(Math.max(...Object.values(at)) - t0), missing: [...waiting] };
}

/** The repositories as plan nodes, and the edges their remotes make (costs as the agents advertise them). */
async function planOf(topo) {
  const { defaultCost, remoteKindOf } = await import("@herald/planner");
  const nodes = names(topo.n).map((c) => ({ name: c, dir: topo.clones[c], passive: false, id: c }));
  if (topo.cloud) nodes.push({ name: "cloud", dir: topo.cloud, passive: true, id: passiveNodeId((await git(topo.origin, "config", "remote.cloud.url")).trim()) });
  const edges = [];
  for (const c of names(topo.n)) {
    for (const r of (await git(topo.clones[c], "remote")).split("\n").filter(Boolean)) {
      const url = (await git(topo.clones[c], "config", `remote.${r}.url`)).trim();
      const set = (await git(topo.clones[c], "config", "--default", "", `remote.${r}.herald-cost`)).trim();
      const cost = set ? Number(set) : defaultCost(remoteKindOf(url));
      edges.push({ from: c, to: r, cost });
      if (r === "cloud") edges.push({ from: r, to: c, cost });
    }
  }
  return { nodes, edges };
}

async function startSystem(ctx, topo, system) {
  const { cleanup, server, opts } = ctx;
  if (system === "floor") {
    for (const c of names(topo.n)) {
      await git(topo.clones[c], "annex", "init", "-q", c);
      await git(topo.clones[c], "config", "annex.largefiles", "anything");
    }
    // Each clone learns its remotes' annex uuids now (git-annex reads a local remote's config
    // the first time it meets it), as Herald's agents do at their start.
    for (const c of names(topo.n)) await git(topo.clones[c], "annex", "info", "--fast");
    const { nodes, edges } = await planOf(topo);
    const tree = floorTree(nodes, edges, "c1");
    return { stop: async () => undefined, heraldTransfers: () => null, prepare: () => syncCommit(nodes, tree, "c1"), run: (key) => runFloor(nodes, tree, "c1", key, now) };
  }
  if (system === "annex") {
    const annex = await startAnnex(cleanup, topo, { largefiles: "anything" });
    return { stop: annex.stop, heraldTransfers: () => null };
  }
  for (const c of names(topo.n)) {
    await git(topo.clones[c], "annex", "init", "-q", c);
    await git(topo.clones[c], "config", "annex.largefiles", "anything");
  }
  await configureXmpp(topo, server, `bench-content-${topo.shape}${topo.n}-${process.pid}-${Date.now()}`);
  const h = await startHerald(cleanup, topo, { xmpp: true, inProcess: opts.inProcess });
  await sleep(2000); // the map adverts gossiped
  await settle(h.agents);
  for (const a of Object.values(h.agents)) a.records.length = 0;
  const done = () => Object.values(h.agents).flatMap((a) => a.records).filter((r) => r.event === "transfer-done");
  // HERALD_BENCH_TRACE=1: every agent's records from the commit on, ms after it (where the time goes).
  const trace = (t0) => {
    if (!process.env.HERALD_BENCH_TRACE) return;
    const all = Object.values(h.agents).flatMap((a) => a.records).filter((r) => r.t >= t0 - 50).sort((a, b) => a.t - b.t);
    for (const r of all) console.error(`  ${String(Math.round(r.t - t0)).padStart(6)} ${r.agent} ${r.event} ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !["t", "agent", "event", "level", "key"].includes(k))))}`);
  };
  return { stop: h.stop, heraldTransfers: done, trace, pids: h.pids };
}

export const SYSTEMS = { herald: "herald (plan)", floor: "floor (git annex copy --key along the plan)", annex: "git-annex assistant (flood)" };

/** Herald's time over the floor's, per topology, from the rows of one run. */
export function contentRatios(rows) {
  const by = (system, topology) => rows.find((r) => r.system === SYSTEMS[system] && r.topology === topology)?.msToAll ?? null;
  return [...new Set(rows.map((r) => r.topology))].map((topology) => {
    const floor = by("floor", topology), herald = by("herald", topology), annex = by("annex", topology);
    return { topology, floorMs: floor, heraldMs: herald, assistantMs: annex, heraldVsFloor: floor && herald ? round(herald / floor, 2) : null, assistantVsFloor: floor && annex ? round(annex / floor, 2) : null, target: "herald ≤ 1.3× floor", met: floor && herald ? (herald <= 1.3 * floor ? "met" : "missed") : "–" };
  });
}

/** MB from a count of 20 MB transfers. */
const mb = (count, key) => round((count * keySize(key)) / (1 << 20));

export async function contentCase(ctx, shape, n, system, sizeMb = 20) {
  const SIZE = Math.round(sizeMb * (1 << 20));
  const topo = shape === "cloud" ? await buildCloud(ctx.cleanup, system === "annex" ? "annex-cost" : "herald-cost") : await buildTopology(ctx.cleanup, shape, n);
  try {
    const sys = await startSystem(ctx, topo, system);
    try {
      // The key is known before the commit, so the watch starts first: git-annex's default
      // backend, SHA256E, names content SHA256E-s<size>--<sha256 hex><extension>.
      const file = randomBytes(SIZE);
      const key = `SHA256E-s${SIZE}--${createHash("sha256").update(file).digest("hex")}.bin`;
      const repos = receivers(topo);
      const watch = watchReceived(repos, key);
      try {
        const c = await commitNewFile(topo.origin, "big.bin", file);
        if (process.env.HERALD_BENCH_TRACE) console.error(`  committed at ${new Date().toTimeString().slice(0, 8)}`);
        const added = (await git(topo.origin, "annex", "lookupkey", "big.bin")).trim();
        if (added !== key) throw new Error(`git-annex named the file ${added}, not ${key}`);
        // The floor's clock starts once every repository has the commit (content-floor.mjs syncCommit).
        const t0 = sys.prepare ? (await sys.prepare(), now()) : c.t;
        // HERALD_BENCH_CPU=1: the CPU the bench and the agents used (with every git and git-annex
        // they ran and reaped) until every repository had the content; the assistant's not counted.
        const cpu = () => (process.env.HERALD_BENCH_CPU && system !== "annex" ? cpuMs({ pids: sys.pids?.() ?? [] }) : Promise.resolve(0));
        const cpu0 = await cpu();
        const each = async () => Promise.all((sys.pids?.() ?? []).map(async (p) => (await statFields(p) ?? []).slice(11, 15).map(Number)));
        const each0 = await each();
        const floor = sys.run?.(key);
        const { ms, missing } = await spread(repos, watch, key, t0, 90_000);
        if (process.env.HERALD_BENCH_CPU && system !== "annex") {
          console.error(`  cpu until every repository had it: ${Math.round((await cpu()) - cpu0)} ms`);
          const e1 = await each();
          e1.forEach((f, i) => console.error(`    agent ${i + 1} (pid ${sys.pids()[i]}): node ${f[0] + f[1] - each0[i][0] - each0[i][1]} ticks, the git and git-annex it reaped ${f[2] + f[3] - each0[i][2] - each0[i][3]} ticks`));
        }
        const hops = floor ? (await floor).map((h) => `${h.from}→${h.to} ${h.ms}`).join(", ") : "";
        if (!floor) await sleep(5000); // transfers still running when the last repository got it (a second upload)
        sys.trace?.(c.t);
        const counts = watch.counts();
        const arrivals = Object.values(counts).reduce((s, r) => s + r.received, 0);
        const herald = sys.heraldTransfers();
        const cloud = counts.cloud;
        return {
          system: SYSTEMS[system],
          topology: shape === "cloud" ? "cloud (c1–c2 cheap, c3 via cloud)" : label(shape, n),
          msToAll: ms, missing: missing.join(" ") || "",
          arrivals, ideal: Object.keys(repos).length, mbReceived: mb(arrivals, key),
          cloudUploads: cloud ? cloud.received : "", cloudDownloads: cloud ? cloud.transfers - cloud.received : "",
          mbExpensive: cloud ? mb(cloud.transfers, key) : "",
          heraldTransfers: herald === null ? "–" : herald.filter((r) => r.key === key).length,
          watchErrors: watch.failures.join("; "),
          ...(floor ? { floorHops: hops } : {}),
        };
      } finally {
        watch.close();
      }
    } finally {
      await sys.stop();
    }
  } finally {
    await topo.dispose();
  }
}
