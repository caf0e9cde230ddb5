// Section 4: a burst. 200 commits as fast as one `git add` + `git commit` loop makes them on c1;
// how long until the last is in every peer's work tree, and how much work each peer did for it
// (merges, fetches on announcements, fetches of any kind). Coalescing is the point: a peer that
// merged once per commit would be doing it wrong.
import { join } from "node:path";
import { settle, startHerald } from "./herald.mjs";
import { commitFast, now, round } from "./lib.mjs";
import { buildTopology, configureXmpp, label } from "./topology.mjs";

export async function burst(ctx, n, variant, commits = 200) {
  const { cleanup, detector, server } = ctx;
  const xmpp = variant === "herald-xmpp";
  const topo = await buildTopology(cleanup, "star", n);
  try {
    if (xmpp) await configureXmpp(topo, server, `bench-burst-${n}-${process.pid}-${Date.now()}`);
    const h = await startHerald(cleanup, topo, { xmpp });
    try {
      for (const a of Object.values(h.agents)) { a.records.length = 0; a.counts.fetched = 0; }
      const last = `burst-${commits - 1}.txt`;
      const arrival = detector.arrival(topo.peers.map((p) => join(p, last)), 120_000);
      const t0 = now();
      let tLast = t0;
      for (let i = 0; i < commits; i++) tLast = await commitFast(topo.origin, `burst-${i}.txt`, `burst ${i}\n`);
      const { times } = await arrival;
      const reached = Object.values(times);
      const tAll = reached.includes(null) ? null : Math.max(...reached);
      await settle(h.agents, 500);
      const peers = Object.values(h.agents).filter((a) => a.name !== "c1");
      const per = (ev) => peers.map((a) => a.records.filter((r) => r.event === ev).length);
      const stats = (xs) => `${Math.min(...xs)}–${Math.max(...xs)}`;
      const origin = h.agents.c1;
      return {
        system: variant, topology: label("star", n), clones: n, commits,
        commitLoopMs: round(tLast - t0),
        lastToAllMs: tAll === null ? null : round(tAll - tLast),
        firstToAllMs: tAll === null ? null : round(tAll - t0),
        mergesPerPeer: stats(per("merged")),
        fetchesOnAnnouncePerPeer: stats(per("fetched-announced")),
        fetchesPerPeer: stats(peers.map((a) => a.counts.fetched)),
        originPushes: origin.records.filter((r) => r.event === "pushed").length,
        originAnnounces: origin.records.filter((r) => r.event === "announced").length,
        maxPeerWork: Math.max(...per("merged"), ...peers.map((a) => a.counts.fetched)),
      };
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}
