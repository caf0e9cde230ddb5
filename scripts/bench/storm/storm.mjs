// @ts-check
// One storm: clones in a ring (each knows its two neighbours: changes are relayed) or a full mesh,
// an agent on each (its own process, as deployed), git only or with XMPP; every clone commits a
// few rounds at once (storm/edits.mjs), then the time from the last commit returning to one HEAD
// everywhere holding every commit. The git work it took is counted from GIT_TRACE files (every
// git an agent ran, the receive-packs its pushes started included) and the agents' records.
import { makeSandbox, git } from "@herald/testkit";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { settle, startChild } from "../herald.mjs";
import { now, round, sleep } from "../lib.mjs";
import { blobId, whatWasLost, oneHead } from "./check.mjs";
import { seedFiles, stormRound, userGits } from "./edits.mjs";

/** @typedef {import("../lib.mjs").Cleanup} Cleanup */
/** @typedef {import("@herald/testkit").XmppServer} XmppServer */
/** @typedef {{ shape: "mesh" | "ring", n: number, server: XmppServer | null, rounds: number, gapMs: number, timeoutMs: number }} StormSpec */

export const names = (/** @type {number} */ n) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

/** @param {"mesh" | "ring"} shape @param {string[]} ns @returns {"mesh" | Array<[string, string]>} */
const pairs = (shape, ns) => (shape === "mesh" ? "mesh" : ns.map((c, i) => /** @type {[string, string]} */ ([c, ns[(i + 1) % ns.length]])));

/** @param {Cleanup} cleanup @param {StormSpec} spec */
export async function stormCase(cleanup, { shape, n, server, rounds, gapMs, timeoutMs }) {
  const ns = names(n);
  const sb = await makeSandbox(ns, pairs(shape, ns));
  const dispose = cleanup.add(`sandbox ${sb.root}`, () => sb.cleanup());
  cleanup.paths.add(sb.root);
  const dirs = ns.map((c) => /** @type {string} */ (sb.clones[c]));
  try {
    // The files the modify/delete conflicts need, in every clone before the agents start.
    const c1 = dirs[0] ?? "";
    await seed(c1, rounds);
    for (const d of dirs.slice(1)) await git(d, "pull", "-q", "--ff-only", c1, "main");
    if (server) await configureXmpp(sb.clones, ns, server, `storm-${shape}${n}-${process.pid}-${Date.now()}`);
    /** @type {Record<string, any>} */
    const agents = {};
    const stopAgents = cleanup.add("storm agents", () => Promise.all(Object.values(agents).map((a) => a.stop())));
    try {
      await Promise.all(ns.map(async (c) => {
        agents[c] = await startChild(sb.clones[c], c, true, { env: { GIT_TRACE: join(sb.root, `trace-${c}.log`) } });
      }));
      if (server) {
        const deadline = Date.now() + 30_000;
        while (!Object.values(agents).every((a) => a.online())) {
          if (Date.now() > deadline) throw new Error("the agents did not all come online on XMPP within 30 s");
          await sleep(20);
        }
      }
      await settle(agents);
      const traceFrom = Object.fromEntries(await Promise.all(ns.map(async (c) => [c, (await readFile(join(sb.root, `trace-${c}.log`)).catch(() => Buffer.alloc(0))).length])));
      const recordsFrom = Object.fromEntries(ns.map((c) => [c, agents[c].records.length]));

      /** @type {import("./edits.mjs").Made[]} */
      const made = [];
      let lastAt = 0;
      const t0 = now();
      for (let r = 0; r < rounds; r++) {
        if (r) await sleep(gapMs);
        const done = await stormRound(sb.clones, ns, r);
        made.push(...done.made);
        lastAt = Math.max(lastAt, done.lastAt);
      }
      const shas = made.map((m) => m.sha);
      /** @type {string | null} */
      let head = null;
      while (now() - lastAt < timeoutMs && !(head = await oneHead(dirs, shas))) await sleep(25);
      const oneHeadMs = head ? now() - lastAt : null;
      if (!head) await tellWhyNot(ns, dirs, made);
      // HERALD_BENCH_KEEP=DIR: a case that never agreed leaves a copy of its clones (with each
      // agent's GIT_TRACE, every git it ran) there, to be read with git afterwards.
      if (!head && process.env.HERALD_BENCH_KEEP) {
        const to = join(process.env.HERALD_BENCH_KEEP, `${shape}${n}-${Date.now()}`);
        await cp(sb.root, to, { recursive: true, filter: (src) => !src.endsWith(".sock") }); // not the agents' control sockets
        console.error(`  kept a copy of the clones in ${to}`);
      }
      await settle(agents); // the pushes of records after one HEAD belong to the storm too
      // HERALD_BENCH_CPU=1: each agent's CPU since it started, its own (node) apart from the git it
      // ran and reaped (with what those ran: the receive-packs of its pushes included).
      if (process.env.HERALD_BENCH_CPU) {
        for (const c of ns) {
          const stat = await readFile(`/proc/${agents[c].pid}/stat`, "utf8").catch(() => "");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
          console.error(`  cpu ${c}: node ${(f[11] ?? 0) + (f[12] ?? 0)} ticks, git ${(f[13] ?? 0) + (f[14] ?? 0)} ticks`);
        }
      }
      const lost = head ? await whatWasLost(c1, head, made) : null;

      const traces = await Promise.all(ns.map(async (c) => (await readFile(join(sb.root, `trace-${c}.log`)).catch(() => Buffer.alloc(0))).subarray(traceFrom[c]).toString("latin1")));
      // HERALD_BENCH_GIT_TRACES=DIR: the storm's GIT_TRACE of each agent kept there (every git it ran).
      if (process.env.HERALD_BENCH_GIT_TRACES) await Promise.all(ns.map((c, i) => writeFile(join(process.env.HERALD_BENCH_GIT_TRACES ?? "", `${shape}${n}-${c}.log`), traces[i] ?? "")));
      const count = (/** @type {RegExp} */ re) => traces.reduce((s, t) => s + (t.match(re)?.length ?? 0), 0);
      const records = ns.flatMap((c) => agents[c].records.slice(recordsFrom[c]));
      // HERALD_BENCH_TRACE=1: every record (debug too) from a second before the last commit on, in ms after it.
      // HERALD_BENCH_TRACE=all: from the storm's start, with the user's own gits among them.
      if (process.env.HERALD_BENCH_TRACE) {
        const from = process.env.HERALD_BENCH_TRACE === "all" ? t0 : lastAt - 1000;
        for (const r of [...records, ...(process.env.HERALD_BENCH_TRACE === "all" ? userGits : [])].filter((x) => x.t >= from).sort((a, b) => a.t - b.t)) {
          console.error(`  ${String(Math.round(r.t - lastAt)).padStart(6)} ${r.agent} ${r.event} ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !["t", "agent", "event", "level"].includes(k))))}`);
        }
      }
      const events = (/** @type {string} */ e) => records.filter((x) => x.event === e);
      const commits = made.length;
      const per = (/** @type {number} */ x) => round(x / commits, 2);
      const merged = events("merged");
      return {
        topology: `${shape} ${n}`, system: server ? "herald-xmpp" : "herald-git",
        rounds, commits, stormMs: round(lastAt - t0),
        oneHeadMs: oneHeadMs === null ? null : round(oneHeadMs),
        pushesPerCommit: per(count(/trace: built-in: git push /g)),
        fetchesPerCommit: per(count(/trace: built-in: git fetch /g)),
        mergesPerCommit: per(merged.filter((x) => !x.fastForward).length),
        fastForwardsPerCommit: per(merged.filter((x) => x.fastForward).length),
        refusedPushes: events("push-refused").length,
        pushFailures: events("push-failed").length,
        retries: events("retrying").length,
        lostCommits: lost ? lost.lostCommits.length : null,
        lostVersions: lost ? lost.lostVersions.length : null,
        withMarkers: lost ? lost.withMarkers.length : null,
        ...(lost?.lostVersions.length ? { lostExamples: lost.lostVersions.slice(0, 3) } : {}),
        warnings: warnings(records),
        timeline: timeline(records, lastAt),
      };
    } finally {
      await stopAgents();
    }
  } finally {
    await dispose();
  }
}

/** No one HEAD in time: each clone's HEAD and what its work tree holds that HEAD does not; what
 * each HEAD lacks of the storm's commits and versions, and whether the user's commit itself held
 * the version (if not, their add missed it: no merge lost it).
 * @param {string[]} ns @param {string[]} dirs @param {import("./edits.mjs").Made[]} made */
async function tellWhyNot(ns, dirs, made) {
  const seen = new Set();
  for (const [i, d] of dirs.entries()) {
    const head = (await git(d, "rev-parse", "HEAD").catch(() => "")).trim();
    if (!head || seen.has(head)) continue;
    seen.add(head);
    const lost = await whatWasLost(d, head, made);
    const held = async (/** @type {string} */ v) => {
      const m = made.find((x) => v.endsWith(`(${x.sha.slice(0, 10)})`));
      const path = v.slice(0, v.indexOf(" as written by "));
      const blob = m ? (await git(d, "rev-parse", `${m.sha}:${path}`).catch(() => "")).trim() : "";
      const wrote = m?.wrote[path];
      return wrote && blob === blobId(wrote) ? "its commit held it" : `its commit did not hold it (it held ${blob.slice(0, 10) || "no such path"})`;
    };
    const versions = await Promise.all(lost.lostVersions.map(async (v) => `${v}, ${await held(v)}`));
    if (lost.lostCommits.length || versions.length) console.error(`  ${head.slice(0, 12)} (${ns[i]}) lacks ${lost.lostCommits.length} of the storm's commits; versions: ${versions.join("; ") || "none"}`);
  }
  for (const [i, d] of dirs.entries()) {
    const head = (await git(d, "rev-parse", "HEAD").catch(() => "?")).trim();
    const dirty = (await git(d, "status", "--porcelain=v1", "-uall").catch((e) => String(e))).trim();
    console.error(`  ${ns[i]} at ${head.slice(0, 12)}${dirty ? `, work tree: ${dirty.split("\n").join("; ")}` : ""}`);
    // The output comes trimmed: the first line's leading space (" M path") is gone.
    for (const line of dirty.split("\n").filter((l) => /^\s*M/.test(l) || /^.M/.test(l))) {
      const path = line.replace(/^\s*\S+\s/, "");
      const show = async (/** @type {string[]} */ ...a) => (await git(d, ...a).catch((e) => `(${String(e).slice(0, 80)})`)).trim();
      console.error(`    ${path}: work tree ${JSON.stringify((await readFile(join(d, path), "utf8").catch(() => "?")).slice(0, 200))}; index ${await show("ls-files", "-s", "--", path)} ${JSON.stringify((await show("show", `:${path}`)).slice(0, 200))}; HEAD ${JSON.stringify((await show("show", `HEAD:${path}`)).slice(0, 200))}`);
      console.error(`    ${path} on HEAD's history: ${(await show("log", "-6", "-m", "--format=%h %p %ae %s", "--raw", "--no-abbrev", "--", path)).split("\n").filter(Boolean).join(" | ")}`);
    }
    if (dirty) console.error(`    reflog: ${(await git(d, "reflog", "-24", "--date=unix", "--format=%h %gd %gs").catch(() => "")).trim().split("\n").join(" | ")}`);
  }
}

/** md/r<k>.txt for every round, one commit on `dir`. */
async function seed(/** @type {string} */ dir, /** @type {number} */ rounds) {
  await mkdir(join(dir, "md"), { recursive: true });
  for (const [path, text] of seedFiles(rounds)) await writeFile(join(dir, path ?? ""), text ?? "");
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "storm: the files of the modify/delete conflicts");
}

/** XMPP settings per clone, every other clone a herald.peer; a fresh pubsub node per case. */
async function configureXmpp(/** @type {Record<string, string>} */ clones, /** @type {string[]} */ ns, /** @type {XmppServer} */ server, /** @type {string} */ repoId) {
  for (const c of ns) {
    const dir = clones[c] ?? "";
    for (const [k, v] of [["herald.jid", `${c}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile], ["herald.repo", repoId]]) await git(dir, "config", k ?? "", v ?? "");
    for (const p of ns.filter((m) => m !== c)) await git(dir, "config", "--add", "herald.peer", `${p}@${server.domain}`);
  }
}

/** The agents' warnings and errors in the storm, by event, counted. */
function warnings(/** @type {any[]} */ records) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const r of records) if (r.level === "warn" || r.level === "error") out[r.event] = (out[r.event] ?? 0) + 1;
  return out;
}

/** What the agents did from a second before the last commit on, one line per record (info and
 * up, and the pushes started and refused), in seconds from the last commit: for reading where the
 * time to one HEAD went. */
function timeline(/** @type {any[]} */ records, /** @type {number} */ lastAt) {
  const keep = (/** @type {any} */ r) => r.t >= lastAt - 1000 && (r.level !== "debug" || r.event === "push-start" || r.event === "push-refused");
  return records.filter(keep).sort((a, b) => a.t - b.t).map((r) => `${round((r.t - lastAt) / 1000, 2)} s ${r.agent} ${r.event}${r.remote ? ` ${r.remote}` : ""}${r.sha ? ` ${String(r.sha).slice(0, 8)}` : ""}${r.reason ? ` (${r.reason})` : ""}${r.ms ? ` ${r.ms} ms` : ""}${r.error ? `: ${String(r.error).split("\n").filter(Boolean).slice(-1)[0]?.slice(0, 100)}` : ""}`);
}
