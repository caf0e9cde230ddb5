// Section 4: a burst. 200 commits as fast as a `git commit -a` loop makes them on c1;
// how long until the last is in every peer's work tree, and how much work each peer did for it
// (merges, fetches on announcements, fetches of any kind). Coalescing is the point: a peer that
// merged once per commit would be doing it wrong.
import { join } from "node:path";
import { settle, startHerald } from "./herald.mjs";
import { commitNewFile, cpuMs, round } from "./lib.mjs";
import { buildTopology, configureXmpp, label } from "./topology.mjs";

export async function burst(ctx, n, variant, commits = 200) {
  const { cleanup, detector, server } = ctx;
  const xmpp = variant === "herald-xmpp";
  const topo = await buildTopology(cleanup, "star", n);
  try {
    if (xmpp) await configureXmpp(topo, server, `bench-burst-${n}-${process.pid}-${Date.now()}`);
    const h = await startHerald(cleanup, topo, { xmpp, inProcess: ctx.opts.inProcess });
    try {
      // One git process per commit (`commit -a` of a tracked file), the last one adds a new file:
      // when that file is in a peer's work tree, so is everything before it.
      await commitNewFile(topo.origin, "burst.txt", "start\n");
      await settle(h.agents, 300);
      for (const a of Object.values(h.agents)) a.records.length = 0;
      const last = "burst-last.txt";
      const arrival = detector.arrival(topo.peers.map((p) => join(p, last)), 120_000);
      const cpu = () => cpuMs({ pids: [...h.pids(), ...(xmpp ? [ctx.prosodyPid] : [])] });
      const cpu0 = await cpu();
      const { t0, tLast } = await detector.burst(topo.origin, "burst.txt", commits, last);
      const { times } = await arrival;
      const reached = Object.values(times);
      const tAll = reached.includes(null) ? null : Math.max(...reached);
      await settle(h.agents, 500);
      const cpuTotal = (await cpu()) - cpu0;
      const peers = Object.values(h.agents).filter((a) => a.name !== "c1");
      const per = (ev) => peers.map((a) => a.records.filter((r) => r.event === ev).length);
      const fetched = per("fetch");
      const stats = (xs) => `${Math.min(...xs)}–${Math.max(...xs)}`;
      const origin = h.agents.c1;
      // What reached each peer over the wire: c1's pushes into it plus its own fetches.
      const transfers = peers.map((a, i) => origin.records.filter((r) => r.event === "pushed" && r.remote === a.name).length + fetched[i]);
      return {
        system: variant, topology: label("star", n), clones: n, commits,
        commitLoopMs: round(tLast - t0),
        lastToAllMs: tAll === null ? null : round(tAll - tLast),
        firstToAllMs: tAll === null ? null : round(tAll - t0),
        mergesPerPeer: stats(per("merged")),
        fetchesOnAnnouncePerPeer: stats(per("fetched-announced")),
        fetchesPerPeer: stats(fetched),
        transfersPerPeer: stats(transfers),
        originPushes: origin.records.filter((r) => r.event === "pushed").length,
        originAnnounces: origin.records.filter((r) => r.event === "announced").length,
        cpuMsTotal: round(cpuTotal),
        maxTransfers: Math.max(...transfers),
        maxMerges: Math.max(...per("merged")),
      };
    } finally {
      await h.stop();
    }
  } finally {
    await topo.dispose();
  }
}
