// Section 5: the numbers side by side, and the targets, each marked met or missed (by how much).
import { round } from "./lib.mjs";

const TARGETS = {
  pairVsFloor: 2, // 2 clones over XMPP: p50 within 2× the floor
  tenReachAllMs: 400, // 10 clones: p50 to reach all under 400 ms
  idleCpuPercent: 0.1, // "no measurable CPU": under 0.1 % of one CPU over the window
  idleRssMB: 80,
  burstWorkShare: 0.05, // far fewer pushes/fetches and merges than commits: at most 5 % (10 of 200) into each peer
  daemon20RssMB: 120, // 20 repositories in one daemon: RSS in total (node and its git children)
  daemon20IdleTicks: 0, // no CPU tick in a 60 s idle window
  daemon20OnlineMs: 2000, // spawn to all 20 online
  topologyVsFloor: 1.2, // every topology over XMPP: p50 within 1.2× the floor (the big repository too)
  cpuVsFloor: 1.3, // and CPU per commit within 1.3× the floor's
  autocommitVsAssistant: 0.5, // a written file everywhere: Herald's p50 at most half the assistant's
};

const find = (rows, system, topology) => rows.find((r) => (r.system === system || r.system.startsWith(`${system} `)) && r.topology === topology);

export function ratios(propagation) {
  const topologies = [...new Set(propagation.map((r) => r.topology))];
  return topologies.map((topology) => {
    const h = find(propagation, "herald-xmpp", topology);
    const floor = find(propagation, "floor", topology);
    const annex = find(propagation, "git-annex", topology);
    const poll = find(propagation, "polling", topology);
    const x = (a, b) => (a?.p50 && b?.p50 ? `${round(a.p50 / b.p50, 1)}×` : null);
    return {
      topology,
      "herald-xmpp p50": h?.p50 ?? null,
      "floor p50": floor?.p50 ?? null,
      "herald/floor": x(h, floor),
      "assistant p50": annex?.p50 ?? null,
      "assistant/herald": x(annex, h),
      "polling p50": poll?.p50 ?? null,
      "polling/herald": x(poll, h),
    };
  });
}

export function targets({ propagation = [], footprint, throughput = [], autocommit = [], large = [] }) {
  const out = [];
  const all = [...propagation, ...large];
  for (const topology of [...new Set(all.map((r) => r.topology))]) {
    const h = find(all, "herald-xmpp", topology) ?? find(all, "herald-noxmpp", topology);
    const floor = find(all, "floor", topology);
    if (!h?.p50 || !floor?.p50) continue;
    const limit = TARGETS.topologyVsFloor * floor.p50;
    out.push({
      target: `${topology}, ${h.system}: p50 ≤ ${TARGETS.topologyVsFloor}× the floor`,
      measured: `${h.p50} ms vs floor ${floor.p50} ms (${round(h.p50 / floor.p50, 2)}×)`,
      met: h.p50 <= limit,
      miss: h.p50 <= limit ? null : `${round(h.p50 - limit)} ms over`,
    });
    if (!h.cpuMsPerCommit || !floor.cpuMsPerCommit) continue;
    const cpuLimit = TARGETS.cpuVsFloor * floor.cpuMsPerCommit;
    out.push({
      target: `${topology}, ${h.system}: CPU per commit ≤ ${TARGETS.cpuVsFloor}× the floor's`,
      measured: `${h.cpuMsPerCommit} ms vs floor ${floor.cpuMsPerCommit} ms (${round(h.cpuMsPerCommit / floor.cpuMsPerCommit, 2)}×)`,
      met: h.cpuMsPerCommit <= cpuLimit,
      miss: h.cpuMsPerCommit <= cpuLimit ? null : `${round(h.cpuMsPerCommit - cpuLimit)} ms over`,
    });
  }
  for (const topology of [...new Set(autocommit.map((r) => r.topology))]) {
    const h = find(autocommit, "herald autocommit", topology);
    const a = find(autocommit, "git-annex", topology);
    if (!h?.p50 || !a?.p50) continue;
    const limit = TARGETS.autocommitVsAssistant * a.p50;
    out.push({
      target: `file written → every clone, ${topology}: Herald (autocommit) p50 ≤ ${TARGETS.autocommitVsAssistant}× the assistant's`,
      measured: `${h.p50} ms vs assistant ${a.p50} ms (${round(h.p50 / a.p50, 2)}×)`,
      met: h.p50 <= limit,
      miss: h.p50 <= limit ? null : `${round(h.p50 - limit)} ms over`,
    });
  }
  const pair = find(propagation, "herald-xmpp", "pair");
  const floor = find(propagation, "floor", "pair");
  if (pair?.p50 && floor?.p50) {
    const limit = TARGETS.pairVsFloor * floor.p50;
    out.push({
      target: `2 clones over XMPP: p50 within ${TARGETS.pairVsFloor}× the floor`,
      measured: `${pair.p50} ms vs floor ${floor.p50} ms (${round(pair.p50 / floor.p50, 1)}×, limit ${round(limit)} ms)`,
      met: pair.p50 <= limit,
      miss: pair.p50 <= limit ? null : `${round(pair.p50 - limit)} ms over (${round(pair.p50 / limit, 2)}× the limit)`,
    });
  }
  for (const topology of ["star 10", "line 10"]) {
    const r = find(propagation, "herald-xmpp", topology);
    if (!r?.p50) continue;
    out.push({
      target: `10 clones (${topology.split(" ")[0]}) over XMPP: p50 to reach all < ${TARGETS.tenReachAllMs} ms`,
      measured: `${r.p50} ms (p95 ${r.p95} ms)`,
      met: r.p50 < TARGETS.tenReachAllMs,
      miss: r.p50 < TARGETS.tenReachAllMs ? null : `${round(r.p50 - TARGETS.tenReachAllMs)} ms over`,
    });
  }
  if (footprint?.idle) {
    const i = footprint.idle;
    out.push({
      target: `idle agent: no measurable CPU (< ${TARGETS.idleCpuPercent} % of one CPU)`,
      measured: `${i.cpuMs} ms CPU in ${i.seconds} s (${i.cpuPercent} %; clock tick ${i.tickMs} ms)`,
      met: i.cpuPercent < TARGETS.idleCpuPercent,
      miss: i.cpuPercent < TARGETS.idleCpuPercent ? null : `${round(i.cpuPercent / TARGETS.idleCpuPercent, 1)}× the allowance`,
    });
    const rss = Math.max(i.rssStartMB, i.rssEndMB);
    out.push({
      target: `idle agent: RSS < ${TARGETS.idleRssMB} MB`,
      measured: `${i.rssStartMB} → ${i.rssEndMB} MB`,
      met: rss < TARGETS.idleRssMB,
      miss: rss < TARGETS.idleRssMB ? null : `${round(rss - TARGETS.idleRssMB, 1)} MB over`,
    });
  }
  const d = footprint?.daemon20;
  if (d) {
    const a = footprint.agents20;
    const vs = (x) => (a ? `; 20 agents: ${x(a)}` : "");
    out.push({
      target: `20 repositories in one daemon: RSS < ${TARGETS.daemon20RssMB} MB in total`,
      measured: `${d.totalRssMB} MB (node ${d.rssMB} + ${d.childProcesses} children ${d.childRssMB})${vs((x) => `${x.totalRssMB} MB`)}`,
      met: d.totalRssMB < TARGETS.daemon20RssMB,
      miss: d.totalRssMB < TARGETS.daemon20RssMB ? null : `${round(d.totalRssMB - TARGETS.daemon20RssMB, 1)} MB over`,
    });
    const ticks = d.ticks + d.childTicks;
    out.push({
      target: `20 repositories in one daemon: no CPU tick in ${d.idleSeconds} s idle`,
      measured: `${d.ticks} ticks (+ ${d.childTicks} in children)${vs((x) => `${x.ticks} + ${x.childTicks}`)}`,
      met: ticks <= TARGETS.daemon20IdleTicks,
      miss: ticks <= TARGETS.daemon20IdleTicks ? null : `${ticks} ticks`,
    });
    out.push({
      target: `20 repositories in one daemon: spawn to all online < ${TARGETS.daemon20OnlineMs} ms`,
      measured: `${d.onlineMs} ms${vs((x) => `${x.onlineMs} ms`)}`,
      met: d.onlineMs < TARGETS.daemon20OnlineMs,
      miss: d.onlineMs < TARGETS.daemon20OnlineMs ? null : `${round(d.onlineMs - TARGETS.daemon20OnlineMs)} ms over`,
    });
  }
  for (const b of throughput) {
    const limit = Math.floor(b.commits * TARGETS.burstWorkShare);
    const worst = Math.max(b.maxTransfers, b.maxMerges ?? 0);
    out.push({
      target: `${b.commits}-commit burst, ${b.system}, ${b.topology}: pushes/fetches and merges into each peer ≤ ${limit}`,
      measured: `${b.transfersPerPeer} transfers (${b.fetchesPerPeer} of them fetches), ${b.mergesPerPeer} merges per peer; last commit everywhere ${b.lastToAllMs} ms after it was made`,
      met: worst <= limit,
      miss: worst <= limit ? null : `${worst} (${round(worst / limit, 1)}× the limit)`,
    });
  }
  return out;
}
