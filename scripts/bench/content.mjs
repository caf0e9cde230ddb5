// Section content: one 20 MB file committed on c1 (annex.largefiles=anything, so `git add`
// annexes it) until its content is in every clone, Herald (content along the plan, XMPP on)
// against git-annex's assistant (which floods: every clone that gets the content offers it to its
// remotes), on a 5-clone line and a 5-clone star. Every edge here is alike (local paths standing
// for network links), so "bytes over the edges" counts every transfer, from Herald's transfer
// records. The assistant (10.20230126) records no transfer in its daemon.log or anywhere that
// outlives it, so its count is left empty rather than guessed. Arrival is polled (git annex
// contentlocation) by the bench, not by either system.
import { randomBytes } from "node:crypto";
import { hasContent } from "@herald/testkit";
import { startAnnex } from "./annex.mjs";
import { settle, startHerald } from "./herald.mjs";
import { commitNewFile, git, now, round, sleep } from "./lib.mjs";
import { buildTopology, configureXmpp, label, names } from "./topology.mjs";

const SIZE = 20 << 20;

/** ms from the commit on c1 until every clone holds the content (null: not within `timeoutMs`). */
async function spread(topo, key, t0, timeoutMs) {
  const waiting = new Set(names(topo.n).slice(1));
  while (waiting.size && now() - t0 < timeoutMs) {
    for (const c of [...waiting]) if (await hasContent(topo.clones[c], key)) waiting.delete(c);
    if (waiting.size) await sleep(50);
  }
  return waiting.size ? null : round(now() - t0);
}

export async function contentCase(ctx, shape, n, system) {
  const { cleanup, server, opts } = ctx;
  const topo = await buildTopology(cleanup, shape, n);
  try {
    let stop;
    let transfers;
    if (system === "herald") {
      for (const c of names(n)) {
        await git(topo.clones[c], "annex", "init", "-q", c);
        await git(topo.clones[c], "config", "annex.largefiles", "anything");
      }
      await configureXmpp(topo, server, `bench-content-${shape}${n}-${process.pid}-${Date.now()}`);
      const h = await startHerald(cleanup, topo, { xmpp: true, inProcess: opts.inProcess });
      await sleep(2000); // the map adverts gossiped
      await settle(h.agents);
      for (const a of Object.values(h.agents)) a.records.length = 0;
      stop = h.stop;
      transfers = () => Object.values(h.agents).flatMap((a) => a.records).filter((r) => r.event === "transfer-done").length;
    } else {
      const annex = await startAnnex(cleanup, topo, { largefiles: "anything" });
      stop = annex.stop;
      transfers = () => null;
    }
    try {
      const c = await commitNewFile(topo.origin, "big.bin", randomBytes(SIZE));
      const key = (await git(topo.origin, "annex", "lookupkey", "big.bin")).trim();
      const ms = await spread(topo, key, c.t, 120_000);
      await sleep(2000); // transfers that were still running when the last clone got it
      const count = transfers();
      return { system: system === "herald" ? "herald (plan)" : "git-annex assistant (flood)", topology: label(shape, n), clones: n, mb: SIZE >> 20, msToAll: ms, transfers: count, mbMoved: count === null ? null : count * (SIZE >> 20), ideal: n - 1 };
    } finally {
      await stop();
    }
  } finally {
    await topo.dispose();
  }
}
