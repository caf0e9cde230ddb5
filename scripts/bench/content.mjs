// Section content: one 20 MB file committed on c1 (annex.largefiles=anything, so `git add`
// annexes it) until its content is in every repository, Herald (content along the plan, XMPP on)
// against git-annex's assistant (which floods: every clone that gets the content offers it to its
// remotes). Three topologies: a 5-clone line and a 5-clone star (every edge alike: local paths
// standing for network links), and git-annex's own efficiency case (doc/design/assistant/syncing/
// efficiency): c1 and c2 ("laptops A and B") on a cheap edge, a bare "cloud" repository both reach
// over expensive edges, c3 reaching only the cloud. The bytes are counted from outside both
// systems, the same way for both (received.mjs: content arriving in each repository's annex, and
// the transfers that touched the cloud); Herald's own transfer records are shown beside them.
// Arrival is polled (git annex contentlocation) by the bench, not by either system.
import { createHash, randomBytes } from "node:crypto";
import { hasContent, makeSandbox } from "@herald/testkit";
import { startAnnex } from "./annex.mjs";
import { settle, startHerald } from "./herald.mjs";
import { commitNewFile, git, now, round, sleep } from "./lib.mjs";
import { keySize, watchReceived } from "./received.mjs";
import { buildTopology, configureXmpp, label, names } from "./topology.mjs";

const SIZE = 20 << 20;
const CHEAP = 1;
const EXPENSIVE = 200;

/** The efficiency case: c1–c2 cheap, every clone to the bare cloud expensive, c3 only to it. */
async function buildCloud(cleanup, costKey) {
  const sb = await makeSandbox(names(3), [["c1", "c2"]], { bares: ["cloud"] });
  // The assistant's last git-annex processes may still write lock files into the cloud while it
  // is removed (ENOTEMPTY): try again for a moment.
  const remove = async (tries = 10) => sb.cleanup().catch(async (e) => (tries > 1 ? (await sleep(300), remove(tries - 1)) : Promise.reject(e)));
  const dispose = cleanup.add(`sandbox ${sb.root}`, () => remove());
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

/** ms from the commit on c1 until every repository holds the content (null: not within `timeoutMs`). */
async function spread(repos, key, t0, timeoutMs) {
  const waiting = new Set(Object.keys(repos));
  while (waiting.size && now() - t0 < timeoutMs) {
    for (const r of [...waiting]) if (await hasContent(repos[r].dir, key)) waiting.delete(r);
    if (waiting.size) await sleep(50);
  }
  return { ms: waiting.size ? null : round(now() - t0), missing: [...waiting] };
}

async function startSystem(ctx, topo, system) {
  const { cleanup, server, opts } = ctx;
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
  return { stop: h.stop, heraldTransfers: done };
}

/** MB from a count of 20 MB transfers. */
const mb = (count, key) => round((count * keySize(key)) / (1 << 20));

export async function contentCase(ctx, shape, n, system) {
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
        const added = (await git(topo.origin, "annex", "lookupkey", "big.bin")).trim();
        if (added !== key) throw new Error(`git-annex named the file ${added}, not ${key}`);
        const { ms, missing } = await spread(repos, key, c.t, 90_000);
        await sleep(5000); // transfers still running when the last repository got it (a second upload)
        const counts = watch.counts();
        const arrivals = Object.values(counts).reduce((s, r) => s + r.received, 0);
        const herald = sys.heraldTransfers();
        const cloud = counts.cloud;
        return {
          system: system === "herald" ? "herald (plan)" : "git-annex assistant (flood)",
          topology: shape === "cloud" ? "cloud (c1–c2 cheap, c3 via cloud)" : label(shape, n),
          msToAll: ms, missing: missing.join(" ") || "",
          arrivals, ideal: Object.keys(repos).length, mbReceived: mb(arrivals, key),
          cloudUploads: cloud ? cloud.received : "", cloudDownloads: cloud ? cloud.transfers - cloud.received : "",
          mbExpensive: cloud ? mb(cloud.transfers, key) : "",
          heraldTransfers: herald === null ? "–" : herald.filter((r) => r.key === key).length,
          watchErrors: watch.failures.join("; "),
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
