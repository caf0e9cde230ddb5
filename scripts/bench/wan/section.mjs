// @ts-check
// `npm run bench -- --only=wan`: the cases over the test kit's link simulator, at 80 ms round
// trip (40 ms each way), ssh remotes to the test kit's sshd, side by side in one run: pair and
// star 5 (Herald, the floor, the floor with ssh connection reuse), a 5 MB annexed file, an
// outage. The targets are issue 27's; each row says met or missed, and by how much.
import { Detector } from "../detector.mjs";
import { printTable, round } from "../lib.mjs";
import { annexCase } from "./annex.mjs";
import { latencyCase, SYSTEMS } from "./latency.mjs";
import { outageCase } from "./outage.mjs";

/** @typedef {import("./latency.mjs").LatencyRow} LatencyRow */
/** @typedef {{ target: string, measured: string, met: boolean, miss: string | null }} Target */
/**
 * @typedef {object} WanArgs
 * @property {boolean} quick
 * @property {boolean} inProcess
 * @property {number} [commits]
 * @property {number} [cutSeconds]
 * @property {string[]} [cases] only the cases whose name has one of these
 */

export const DELAY_MS = 40;
const PAUSE_MS = 2000;
const VS_FLOOR = 0.6, VS_REUSE = 1.1, ONE_HEAD_S = 5, STATUS_S = 15, WATCHDOG_S = 30;

/**
 * @param {import("../lib.mjs").Cleanup} cleanup @param {WanArgs} args
 */
export async function wanSection(cleanup, args) {
  const { startSshd, sshdInstalled } = await import("@herald/testkit");
  if (!sshdInstalled()) return { skipped: "openssh-server is not installed (apt-get install -y openssh-server)" };
  const sshd = await startSshd();
  cleanup.add("sshd", () => sshd.stop());
  const detector = await Detector.start();
  cleanup.add("detector worker", () => detector.stop());
  const commits = args.commits ?? (args.quick ? 5 : 20);
  // Commits 2–4 s apart, as a person makes them: Herald takes commits closer together than four
  // pushes' time (up to 2 s: sync/burst.ts) for a script's burst and holds them until it pauses,
  // so at the propagation section's 50–100 ms pause a slow link's pushes made every commit look
  // like part of a burst (p95 2.8 s in the pair, where each commit waited out the hold).
  const ctx = { cleanup, detector, server: null, opts: { inProcess: args.inProcess, commits: () => commits, pauseMs: PAUSE_MS } };
  const wan = { sshd, delayMs: DELAY_MS };
  const want = (/** @type {string} */ name) => !args.cases || args.cases.some((c) => name.includes(c));
  /** @template T @param {string} what @param {() => Promise<T>} fn @param {(r: T) => string} say @returns {Promise<T | null>} */
  const step = async (what, fn, say) => {
    if (!want(what)) return null;
    const t = Date.now();
    process.stdout.write(`  ${what} … `);
    try {
      const r = await fn();
      console.log(`${say(r)} (${round((Date.now() - t) / 1000)} s)`);
      return r;
    } catch (e) {
      console.log(`FAILED: ${/** @type {Error} */ (e).message}`);
      return null;
    }
  };

  console.log(`\nwan: ssh remotes through the link simulator, ${2 * DELAY_MS} ms round trip; commit on c1 → file in every other clone's work tree`);
  /** @type {LatencyRow[]} */
  const rows = [];
  for (const n of [2, 5]) {
    for (const system of SYSTEMS) {
      const r = await step(`${system}, ${n === 2 ? "pair" : `star ${n}`}`, () => latencyCase(ctx, wan, "star", n, system),
        (x) => `p50 ${x.p50} ms, p95 ${x.p95} ms${x.timeouts ? `, ${x.timeouts} TIMED OUT` : ""}, ${x.sshConnections} ssh connections`);
      if (r) rows.push(r);
    }
  }
  const sizeBytes = 5 << 20;
  const annex = [];
  for (const system of /** @type {const} */ (["floor", "herald"])) {
    const r = await step(`annex ${system}, 5 MB`, () => annexCase(ctx, wan, system, { files: args.quick ? 2 : 5, sizeBytes }), (x) => `p50 ${x.p50} ms${x.timeouts ? `, ${x.timeouts} TIMED OUT` : ""}`);
    if (r) annex.push(r);
  }
  const cutMs = 1000 * (args.cutSeconds ?? (args.quick ? 20 : 30));
  const outage = await step(`outage, ${cutMs / 1000} s cut`, () => outageCase(ctx, wan, { cutMs, commitEveryMs: Math.min(3000, cutMs / 4), watchdogS: WATCHDOG_S }),
    (x) => `${x.lost} of ${x.commits} commits lost, one HEAD ${x.oneHeadAfterRestoreS ?? "NEVER"} s after restore`);

  const ratios = wanRatios(rows);
  const targets = wanTargets(ratios, outage);
  printTable(`wan latency (ms, ${2 * DELAY_MS} ms RTT; all = until the last clone has it; sshConnections = TCP connections across the links in the case)`, rows,
    ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts", "sshConnections"]);
  printTable("wan side by side (p50 ms)", ratios);
  if (annex.length) printTable("wan: a 5 MB annexed file c1 → c2 over ssh (ms from the commit to the content in c2's annex)", annex);
  if (outage) {
    printTable("wan outage (pair; both sides commit through the cut)", [{ ...outage, statusNamesFailureS: JSON.stringify(outage.statusNamesFailureS), statusSaid: undefined, agentFailures: undefined }],
      ["cutSeconds", "commits", "lost", "oneHeadAfterRestoreS", "statusNamesFailureS", "oldestNetworkProcessS", "longestPushS", "oldestMasterS", "processSamples"]);
    console.log(`  status said: ${JSON.stringify(outage.statusSaid)}\n  oldest git/ssh process: ${outage.oldestNetworkProcess ?? "none"}\n  agents' warnings: ${JSON.stringify(outage.agentFailures)}`);
  }
  if (targets.length) printTable("wan targets", targets.map((t) => ({ "": t.met ? "met" : "MISSED", target: t.target, measured: t.measured, miss: t.miss ?? "" })));
  return { delayMsEachWay: DELAY_MS, unit: "ms from `git commit` returning on c1 to the file in the work tree of every other clone", rows, ratios, annex, outage, targets };
}

/** @param {LatencyRow[]} rows */
function wanRatios(rows) {
  return [...new Set(rows.map((r) => r.topology))].map((topology) => {
    const p50 = (/** @type {string} */ s) => rows.find((r) => r.topology === topology && r.system === s)?.p50 ?? null;
    const h = p50("herald"), f = p50("floor"), fr = p50("floor, reuse");
    const x = (/** @type {number | null} */ a, /** @type {number | null} */ b) => (a && b ? round(a / b, 2) : null);
    return { topology, "herald p50": h, "floor p50": f, "floor, reuse p50": fr, "herald/floor": x(h, f), "herald/floor, reuse": x(h, fr) };
  });
}

/** @param {ReturnType<typeof wanRatios>} ratios @param {Awaited<ReturnType<typeof outageCase>> | null} outage @returns {Target[]} */
function wanTargets(ratios, outage) {
  /** @type {Target[]} */
  const out = [];
  /** @param {string} target @param {number | null} v @param {number} limit @param {string} measured @param {string} unit */
  const add = (target, v, limit, measured, unit) => out.push({ target, measured, met: v !== null && v <= limit, miss: v === null ? "not measured" : v <= limit ? null : `${round(v - limit, 2)}${unit} over` });
  for (const r of ratios) {
    add(`wan ${r.topology}: Herald p50 ≤ ${VS_FLOOR}× the floor without reuse`, r["herald/floor"], VS_FLOOR, `${r["herald p50"]} vs ${r["floor p50"]} ms (${r["herald/floor"]}×)`, "×");
    add(`wan ${r.topology}: Herald p50 ≤ ${VS_REUSE}× the floor with reuse`, r["herald/floor, reuse"], VS_REUSE, `${r["herald p50"]} vs ${r["floor, reuse p50"]} ms (${r["herald/floor, reuse"]}×)`, "×");
  }
  if (!outage) return out;
  add("outage: nothing lost", outage.lost, 0, `${outage.lost} of ${outage.commits} commits missing`, " commits");
  add(`outage: one HEAD ≤ ${ONE_HEAD_S} s after restore`, outage.oneHeadAfterRestoreS, ONE_HEAD_S, `${outage.oneHeadAfterRestoreS ?? "never"} s`, " s");
  const st = outage.statusNamesFailureS;
  const worst = st.c1 === null || st.c2 === null ? null : Math.max(st.c1, st.c2);
  add(`outage: status names the failing remote ≤ ${STATUS_S} s after the cut`, worst, STATUS_S, `c1 ${st.c1 === null ? "nothing" : `${st.c1} s`}, c2 ${st.c2 === null ? "nothing" : `${st.c2} s`} (in the ${outage.cutSeconds} s cut)`, " s");
  add(`outage: no git/ssh process of Herald's older than the watchdog (${outage.watchdogS} s)`, outage.oldestNetworkProcessS ?? 0, outage.watchdogS, `oldest ${outage.oldestNetworkProcessS ?? 0} s (ssh masters, meant to live: ${outage.oldestMasterS ?? "none"} s)`, " s");
  return out;
}
