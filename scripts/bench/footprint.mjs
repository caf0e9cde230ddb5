// Section 2: what an idle agent costs. The agent runs as the real command, a child process
// (`node packages/cli/dist/bin.js agent --repo DIR`), logged in to XMPP; /proc/<pid>/stat
// (utime+stime) and /proc/<pid>/status (VmRSS) are read once it is online and settled, and again
// at the end of the window.
import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { killChild, now, round, sleep } from "./lib.mjs";
import { buildTopology, configureXmpp, names } from "./topology.mjs";

const execFileP = promisify(execFile);
const BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));

let clkTck = null;
async function ticksPerSecond() {
  if (clkTck === null) clkTck = Number((await execFileP("getconf", ["CLK_TCK"]).catch(() => ({ stdout: "100" }))).stdout.trim()) || 100;
  return clkTck;
}

/** { cpuMs, rssKb } of a live process. */
export async function sample(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuMs: (ticks * 1000) / (await ticksPerSecond()), rssKb, t: now() };
}

/** Start `herald agent` on a clone (`env`: added to the bench's); resolves once its log says it is online on XMPP. */
export async function startChild(cleanup, dir, account, env = {}) {
  const child = spawn(process.execPath, [BIN, "agent", "--repo", dir], {
    env: { ...process.env, ...env, HERALD_PASSWORD: `${account}-pw`, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const remove = cleanup.add(`agent child ${child.pid}`, () => killChild(child));
  const lines = [];
  const onData = (buf) => { for (const l of String(buf).split("\n")) if (l.trim()) lines.push({ t: now(), l }); };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const deadline = Date.now() + 20_000;
  while (!lines.some((x) => / xmpp-online /.test(x.l))) {
    if (child.exitCode !== null) throw new Error(`herald agent exited (${child.exitCode}): ${lines.map((x) => x.l).join("\n")}`);
    if (Date.now() > deadline) throw new Error(`herald agent on ${dir} did not come online in 20 s`);
    await sleep(25);
  }
  return { child, lines, stop: remove };
}

/**
 * Start-up work (first pushes, catch-up) is not idleness, and neither is its tail: V8's memory
 * reducer collects the start-up garbage 8 s after the allocations stop, up to three times
 * (memory-reducer.cc: kLongDelayMs, kMaxNumberOfGCs). An agent alone took 6 ticks 8–9 s after
 * start, then none in the next 80 s. Settled: no tick for `quietMs`, longer than that delay, at
 * most `maxMs` (the daemon's case waits 30 s: daemon-footprint.mjs). Returns the wait.
 */
async function settled(pid, { quietMs = 12_000, maxMs = 40_000 } = {}) {
  const t0 = now();
  let last = await sample(pid);
  while (now() - last.t < quietMs || now() - t0 < 1000) {
    if (now() - t0 > maxMs) break;
    await sleep(1000);
    const s = await sample(pid);
    if (s.cpuMs !== last.cpuMs) last = s;
  }
  return now() - t0;
}

/**
 * One idle agent: started, settled, sampled, and sampled again `idleMs` later; `finish()` waits
 * for that second sample if need be, stops the agent and returns the numbers. Between the two, the bench may go on
 * with cases that never touch this clone or its pubsub node (it logs in as its own account):
 * only this process's CPU time is counted, and an idle agent has nothing to do.
 */
export async function startIdle(ctx, { idleMs = 60_000 } = {}) {
  const { cleanup, server } = ctx;
  const topo = await buildTopology(cleanup, "star", 2);
  try {
    await configureXmpp(topo, server, `bench-idle-${process.pid}-${Date.now()}`, { c1: "idle" });
    // Its one peer has no agent: nothing will happen unless the agent makes it happen.
    const a = await startChild(cleanup, topo.origin, "idle");
    const settleMs = await settled(a.child.pid);
    const linesBefore = a.lines.length;
    const s0 = await sample(a.child.pid);
    const end = sleep(idleMs).then(() => sample(a.child.pid)); // the window is idleMs, whenever finish() comes
    end.catch(() => undefined);
    return {
      async finish() {
        try {
          const s1 = await end;
          const seconds = (s1.t - s0.t) / 1000;
          return {
            settleMs: round(settleMs),
            seconds: round(seconds),
            cpuMs: round(s1.cpuMs - s0.cpuMs),
            cpuPercent: round(((s1.cpuMs - s0.cpuMs) / (seconds * 1000)) * 100, 3),
            rssStartMB: round(s0.rssKb / 1024, 1),
            rssEndMB: round(s1.rssKb / 1024, 1),
            logLinesWhileIdle: a.lines.length - linesBefore,
            tickMs: round(1000 / (await ticksPerSecond()), 1),
          };
        } finally {
          await a.stop();
          await topo.dispose();
        }
      },
    };
  } catch (e) {
    await topo.dispose();
    throw e;
  }
}

/** Ten agents on one machine (a 10-clone star, all on XMPP): their RSS, and CPU over 5 idle seconds. */
export async function manyAgents(ctx, many = 10) {
  const { cleanup, server } = ctx;
  const topo = await buildTopology(cleanup, "star", many);
  try {
    await configureXmpp(topo, server, `bench-many-${process.pid}-${Date.now()}`);
    const children = [];
    try {
      children.push(...(await Promise.all(names(many).map((name) => startChild(cleanup, topo.clones[name], name)))));
      await sleep(3000);
      const s0 = await Promise.all(children.map((c) => sample(c.child.pid)));
      await sleep(5000);
      const s1 = await Promise.all(children.map((c) => sample(c.child.pid)));
      const rss = s1.map((s) => s.rssKb / 1024);
      return {
        agents: many,
        totalRssMB: round(rss.reduce((a, b) => a + b, 0), 1),
        perAgentMB: `${round(Math.min(...rss), 1)}–${round(Math.max(...rss), 1)}`,
        cpuMsAllIn5s: round(s1.reduce((sum, x, i) => sum + x.cpuMs - s0[i].cpuMs, 0)),
      };
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  } finally {
    await topo.dispose();
  }
}
