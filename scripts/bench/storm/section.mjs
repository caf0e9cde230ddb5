// @ts-check
// `npm run bench -- --only=storm`: concurrent, conflicting work on every clone at once, five clones
// in a mesh and eight in a ring, git only and with XMPP (the test kit's Prosody). Measured: the
// time from the last commit to one HEAD everywhere, and what it took (pushes, fetches and merges
// per commit, pushes refused). Targets (issue 29): one HEAD within 3 s on the mesh, 10 s on the
// ring, on an idle machine; nothing lost anywhere.
import os from "node:os";
import { printTable, round } from "../lib.mjs";
import { stormCase } from "./storm.mjs";

/** @typedef {import("../lib.mjs").Cleanup} Cleanup */
/** @typedef {{ quick: boolean, rounds?: number, cases?: string[] }} StormArgs */

const TARGET_S = { mesh: 3, ring: 10 };
const GAP_MS = 300; // between rounds: the next round starts while the last one is on its way

/** @param {Cleanup} cleanup @param {StormArgs} args */
export async function stormSection(cleanup, args) {
  const { prosodyInstalled, startXmppServer } = await import("@herald/testkit");
  const rounds = args.rounds ?? (args.quick ? 2 : 4);
  /** @type {Array<["mesh" | "ring", number]>} */
  const shapes = [["mesh", 5], ["ring", 8]];
  /** @type {import("@herald/testkit").XmppServer | null} */
  let server = null;
  let noXmpp = null;
  if (await prosodyInstalled()) {
    server = await startXmppServer({ accounts: Array.from({ length: 8 }, (_, i) => `c${i + 1}`) });
    const s = server;
    cleanup.add("prosody (storm)", () => s.stop());
    cleanup.paths.add(server.dir);
  } else noXmpp = "prosody is not installed (apt-get install prosody): XMPP variants skipped";
  console.log(`\nstorm: every clone commits ${rounds} rounds at once (${GAP_MS} ms apart; same text file, a binary, a modify/delete, a file of its own) → one HEAD everywhere${noXmpp ? ` (${noXmpp})` : ""}`);
  /** @type {any[]} */
  const rows = [];
  for (const [shape, n] of shapes) {
    for (const s of server ? [null, server] : [null]) {
      const what = `${s ? "herald-xmpp" : "herald-git"}, ${shape} ${n}`;
      if (args.cases && !args.cases.some((c) => what.includes(c))) continue;
      process.stdout.write(`  ${what} … `);
      const t = Date.now();
      const load = round(os.loadavg()[0] ?? 0, 2);
      try {
        const row = await stormCase(cleanup, { shape, n, server: s, rounds, gapMs: GAP_MS, timeoutMs: 180_000 });
        rows.push({ ...row, loadAtStart: load });
        console.log(`one HEAD ${row.oneHeadMs === null ? "NEVER (3 min)" : `${round(row.oneHeadMs / 1000, 1)} s`} after the last commit; ${row.refusedPushes} pushes refused; lost: ${row.lostCommits ?? "?"} commits, ${row.lostVersions ?? "?"} versions (${round((Date.now() - t) / 1000)} s, load ${load})`);
        if (row.lostExamples) console.log(`    lost: ${row.lostExamples.join("; ")}`);
      } catch (e) {
        console.log(`FAILED: ${/** @type {Error} */ (e).message}`);
      }
    }
  }
  printTable("storm (ms from the last commit returning to one HEAD on every clone holding every commit; git work per commit made)", rows,
    ["system", "topology", "commits", "stormMs", "oneHeadMs", "pushesPerCommit", "fetchesPerCommit", "mergesPerCommit", "fastForwardsPerCommit", "refusedPushes", "pushFailures", "retries", "lostCommits", "lostVersions", "withMarkers", "loadAtStart"]);
  const targets = rows.map((r) => {
    const limit = TARGET_S[/** @type {"mesh" | "ring"} */ (r.topology.split(" ")[0])];
    const s = r.oneHeadMs === null ? null : r.oneHeadMs / 1000;
    const ok = s !== null && s <= limit && r.lostCommits === 0 && r.lostVersions === 0 && r.withMarkers === 0;
    return { "": ok ? "met" : "MISSED", target: `${r.system}, ${r.topology}: one HEAD ≤ ${limit} s after the last commit, nothing lost`, measured: `${s === null ? "never" : `${round(s, 1)} s`}, lost ${r.lostCommits} commits and ${r.lostVersions} versions (load ${r.loadAtStart})` };
  });
  if (targets.length) printTable("storm targets (on an idle machine)", targets);
  return { rounds, gapMs: GAP_MS, unit: "ms from the last `git commit` returning (all clones commit each round at once) to one HEAD on every clone holding every commit made", rows, targets };
}
