// Section 2, continued: 20 repositories under ONE `herald daemon` (one XMPP account, machine
// settings in $XDG_CONFIG_HOME/herald/config, the list in …/herald/repos) versus the same 20 under
// 20 `herald agent --repo DIR` processes (one account each, as the ten-agent case). For each: RSS
// of the Herald node process(es) and, apart, of everything they started (git cat-file --batch, …:
// found by walking /proc/*/stat ppid); CPU clock ticks in an idle window after settling; and the
// time from spawn to the 20th `xmpp-online` line on stderr (for the daemon `herald status --json`,
// run outside any clone, then confirms that all 20 are online).
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startChild } from "./footprint.mjs";
import { git, killChild, now, round, sleep } from "./lib.mjs";

const execFileP = promisify(execFile);
const BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));
const agentAccount = (i) => `a${i + 1}`;
const SETTLE_MS = 30_000;
/** The accounts this part needs (the bench's Prosody makes only those it is given up front). */
export const daemonFootprintAccounts = (n = 20) => ["daemon", "peer", ...Array.from({ length: n }, (_, i) => agentAccount(i))];

async function tempDir(cleanup, prefix) {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  cleanup.add(`temp dir ${dir}`, () => rm(dir, { recursive: true, force: true }));
  cleanup.paths.add(dir);
  return dir;
}

/** `n` clones, each with a history of its own (own root commit, so own pubsub node) and a bare remote. */
async function makeRepos(cleanup, n) {
  const root = await tempDir(cleanup, "herald-bench-repos-");
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const dir = join(root, `r${i + 1}`);
    await mkdir(dir);
    await git(dir, "init", "-q", "-b", "main");
    await writeFile(join(dir, "README.md"), `repository ${i + 1} of ${n}\n`);
    await git(dir, "add", ".");
    await git(dir, "commit", "-q", "-m", `r${i + 1}: initial`);
    await git(root, "init", "-q", "--bare", "-b", "main", `${dir}.git`);
    await git(dir, "remote", "add", "hub", `${dir}.git`);
    await git(dir, "push", "-q", "hub", "main");
    await git(dir, "config", "herald.node", `r${i + 1}`);
    return dir;
  }));
}

/** pid → { ppid, ticks (utime+stime), reaped (cutime+cstime), rssKb, cmd } for every live process. */
async function processes() {
  const out = new Map();
  for (const name of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(name)) continue;
    const [stat, status, cmdline] = await Promise.all(["stat", "status", "cmdline"].map((f) => readFile(`/proc/${name}/${f}`, "utf8").catch(() => null)));
    if (stat === null) continue;
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.set(Number(name), {
      ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]),
      rssKb: Number(/VmRSS:\s+(\d+)/.exec(status ?? "")?.[1] ?? 0),
      cmd: (cmdline ?? "").split("\0").filter(Boolean).slice(0, 2).map((s) => s.split("/").pop()).join(" "),
    });
  }
  return out;
}

/** The Herald processes `pids` and all their descendants, summed; ticks include what they reaped. */
async function measure(pids) {
  const table = await processes();
  const roots = pids.map((p) => table.get(p)).filter(Boolean);
  if (roots.length !== pids.length) throw new Error(`${pids.length - roots.length} Herald process(es) exited`);
  const kids = [];
  for (let frontier = new Set(pids); frontier.size;) {
    const next = [...table].filter(([, p]) => frontier.has(p.ppid));
    kids.push(...next.map(([, p]) => p));
    frontier = new Set(next.map(([pid]) => pid));
  }
  const sum = (list, k) => list.reduce((a, p) => a + p[k], 0);
  const kinds = new Map();
  for (const k of kids) kinds.set(k.cmd, (kinds.get(k.cmd) ?? 0) + 1);
  return {
    t: now(), rssKb: sum(roots, "rssKb"), ticks: sum(roots, "ticks"), each: roots.map((p) => p.ticks),
    childRssKb: sum(kids, "rssKb"), childTicks: sum(kids, "ticks") + sum(kids, "reaped") + sum(roots, "reaped"),
    children: kids.length, kinds: [...kinds].map(([cmd, n]) => `${n}× ${cmd}`).join(", ") || "none",
  };
}

/** Settle, then sample the process tree at the start and end of an idle window; one table row. */
async function idleRow(setup, pids, onlineMs, logLines, idleMs, extra = {}) {
  const atOnline = await measure(pids);
  // Start-up work is not idleness, and neither is V8's memory reducer: once start-up's allocations
  // stop it runs, on one of its 8 s checks, up to three full GCs 0.5 s apart (some 100 ms of CPU
  // and a smaller RSS), then nothing until new garbage; seen 8 to 25 s after spawn. settleTicks
  // keeps that cost in the row.
  await sleep(SETTLE_MS);
  const linesBefore = logLines.length;
  const s0 = await measure(pids);
  await sleep(idleMs);
  const s1 = await measure(pids);
  return {
    setup, processes: pids.length, rssAtOnlineMB: round(atOnline.rssKb / 1024, 1), rssMB: round(s1.rssKb / 1024, 1), perProcessMB: round(s1.rssKb / 1024 / pids.length, 1),
    childProcesses: s1.children, childRssMB: round(s1.childRssKb / 1024, 1), totalRssMB: round((s1.rssKb + s1.childRssKb) / 1024, 1),
    children: s1.kinds, onlineMs: round(onlineMs), idleSeconds: round((s1.t - s0.t) / 1000),
    settleTicks: s0.ticks - atOnline.ticks, ticks: s1.ticks - s0.ticks, processesTicking: s1.each.filter((x, i) => x > s0.each[i]).length, childTicks: s1.childTicks - s0.childTicks, logLinesWhileIdle: logLines.length - linesBefore, ...extra,
  };
}

async function runDaemon(ctx, dirs, idleMs) {
  const { cleanup, server } = ctx;
  const xdg = await tempDir(cleanup, "herald-bench-xdg-");
  const env = { ...process.env, XDG_CONFIG_HOME: join(xdg, "config"), XDG_RUNTIME_DIR: join(xdg, "run"), XDG_STATE_HOME: join(xdg, "state"), NO_COLOR: "1" };
  delete env.HERALD_PASSWORD;
  await mkdir(join(xdg, "config", "herald"), { recursive: true });
  await mkdir(join(xdg, "run"), { mode: 0o700 });
  const cfg = join(xdg, "config", "herald", "config");
  await writeFile(join(xdg, "config", "herald", "password"), "daemon-pw\n", { mode: 0o600 });
  for (const [k, v] of [["herald.jid", `daemon@${server.domain}`], ["herald.passwordFile", join(xdg, "config", "herald", "password")],
    ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile], ["herald.peer", `peer@${server.domain}`]]) {
    await execFileP("git", ["config", "-f", cfg, k, v]);
  }
  await writeFile(join(xdg, "config", "herald", "repos"), dirs.map((d) => `${d}\n`).join(""));

  const t0 = now();
  const child = spawn(process.execPath, [BIN, "daemon"], { cwd: xdg, env, stdio: ["ignore", "pipe", "pipe"] });
  const stop = cleanup.add(`daemon ${child.pid}`, () => killChild(child));
  const lines = [];
  const onData = (buf) => { for (const l of String(buf).split("\n")) if (l.trim()) lines.push({ t: now(), l }); };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  try {
    const online = () => lines.filter((x) => / xmpp-online /.test(x.l));
    const deadline = Date.now() + 30_000;
    while (online().length < dirs.length) {
      const seen = () => `${online().length} of ${dirs.length} online; its output:\n${lines.map((x) => `  ${x.l}`).join("\n")}`;
      if (child.exitCode !== null) throw new Error(`herald daemon exited (${child.exitCode}), ${seen()}`);
      if (Date.now() > deadline) throw new Error(`herald daemon: not all repositories online in 30 s, ${seen()}`);
      await sleep(10);
    }
    const onlineMs = online()[dirs.length - 1].t - t0;
    const { stdout } = await execFileP(process.execPath, [BIN, "status", "--json"], { cwd: xdg, env });
    const status = JSON.parse(stdout);
    const statusOnline = status.repos.filter((r) => r.xmpp?.online).length;
    const errors = status.repos.filter((r) => r.error).map((r) => `${r.repo}: ${r.error}`);
    if (status.pid !== child.pid) throw new Error(`herald status --json answered for pid ${status.pid}, not the daemon ${child.pid}`);
    const row = await idleRow("1 daemon, 1 account", [child.pid], onlineMs, lines, idleMs, { statusOnline, statusErrors: errors.length ? errors.join("; ") : undefined });
    const t = now();
    await stop();
    row.stopMs = round(now() - t);
    row.exit = child.signalCode ?? child.exitCode;
    const warnings = lines.filter((x) => /^\S+ (warn|error)/.test(x.l)).map((x) => x.l);
    if (warnings.length) row.warnings = warnings.slice(0, 5);
    return row;
  } finally {
    await stop();
  }
}

async function runAgents(ctx, dirs, idleMs) {
  const { cleanup, server } = ctx;
  // Empty XDG dirs: neither the user's machine settings nor the daemon's apply to the agents.
  const xdg = await tempDir(cleanup, "herald-bench-xdg-agents-");
  const env = { XDG_CONFIG_HOME: join(xdg, "config"), XDG_RUNTIME_DIR: join(xdg, "run"), XDG_STATE_HOME: join(xdg, "state") };
  await Promise.all(dirs.map(async (dir, i) => {
    await git(dir, "config", "herald.jid", `${agentAccount(i)}@${server.domain}`);
    await git(dir, "config", "herald.service", server.service);
    await git(dir, "config", "herald.pubsub", server.pubsub);
    await git(dir, "config", "herald.tlsCa", server.caFile);
    await git(dir, "config", "herald.peer", `peer@${server.domain}`);
    // A fresh pubsub node, as the daemon had: the daemon's nodes (named by the root commits) exist now.
    await git(dir, "config", "herald.repo", `bench-agents-${process.pid}-${Date.now()}-${i + 1}`);
  }));
  const t0 = now();
  const children = [];
  try {
    await Promise.all(dirs.map(async (dir, i) => { children.push(await startChild(cleanup, dir, agentAccount(i), env)); }));
    const onlineMs = Math.max(...children.map((c) => c.lines.find((x) => / xmpp-online /.test(x.l)).t)) - t0;
    const lines = { get length() { return children.reduce((n, c) => n + c.lines.length, 0); } };
    return await idleRow(`${dirs.length} agents, 1 account each`, children.map((c) => c.child.pid), onlineMs, lines, idleMs);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

/** { daemon20, agents20 }: the same `n` repositories, first under one daemon, then under n agents. */
export async function daemonVsAgents(ctx, { n = 20, idleMs = 60_000 } = {}) {
  const dirs = await makeRepos(ctx.cleanup, n);
  const daemon = await runDaemon(ctx, dirs, idleMs);
  const agents = await runAgents(ctx, dirs, idleMs);
  return { [`daemon${n}`]: { repos: n, ...daemon }, [`agents${n}`]: { repos: n, ...agents } };
}
