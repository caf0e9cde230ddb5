// Herald agents on every clone of a topology, each with a logger that keeps its records with a
// monotonic timestamp, so a run can be taken apart afterwards: when the origin noticed the commit,
// pushed, announced; when a peer fetched on an announcement or merged.
//
// Default: one process per agent (agent-child.mjs), as deployed. `inProcess`: all agents in this
// process, lighter, but they share one event loop, and Node's spawn() holds that loop until the
// child has exec'd, so ten agents' git calls queue behind each other: numbers for 5 and 10 clones
// come out worse than any one machine would see.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { killChild, now, sleep } from "./lib.mjs";
import { names } from "./topology.mjs";

const CHILD = fileURLToPath(new URL("./agent-child.mjs", import.meta.url));

// `agent` names the clone whose agent logged the record: the agent's own `node` field is not
// reliable for that (fetched-announced carries the announcing node under the same key).
function recordingLogger(records, agent) {
  const emit = (level) => (event, fields = {}) => records.push({ ...fields, t: now(), level, event, agent });
  const log = { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
  log.child = () => log;
  log.with = () => log;
  return log;
}

async function startInProcess(dir, name, watchRemoteRefs) {
  const { Agent } = await import("@herald/agent");
  const records = [];
  const agent = await Agent.start({ repoDir: dir, log: recordingLogger(records, name), watchRemoteRefs, env: { HERALD_PASSWORD: `${name}-pw` } });
  agent.events.on("fetched", (e) => records.push({ ...e, t: now(), level: "info", event: "fetch", agent: name }));
  return {
    name, records, pid: null,
    online: () => Boolean(agent.channel?.stats.online),
    // Stanzas this agent's session sent and received (in-process only: the scale section).
    stanzas: () => agent.channel?.stats.stanzas ?? { in: 0, out: 0 },
    idle: () => agent.idle(),
    stop: () => agent.stop(),
  };
}

/**
 * One agent in a child process. `env`: more environment (the chaos run's clock skew);
 * `detached`: a process group of its own, so that a SIGKILL to -pid takes the git it runs too.
 */
export async function startChild(dir, name, watchRemoteRefs, { env = {}, detached = false } = {}) {
  const child = fork(CHILD, [dir, name, watchRemoteRefs ? "1" : "0"], {
    env: { ...process.env, ...env, HERALD_PASSWORD: `${name}-pw` },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    detached,
    ...(process.env.HERALD_BENCH_PROF ? { execArgv: ["--cpu-prof", `--cpu-prof-dir=${process.env.HERALD_BENCH_PROF}`] } : {}),
  });
  const records = [];
  let online = false;
  let next = 1;
  const idleWaits = new Map();
  child.on("message", (m) => {
    if (m.type === "record") records.push(m.r);
    else if (m.type === "online") online = true;
    else if (m.type === "idle") { idleWaits.get(m.id)?.(); idleWaits.delete(m.id); }
  });
  const exited = new Promise((r) => child.once("exit", r));
  await new Promise((resolve, reject) => {
    child.on("message", (m) => {
      if (m.type === "ready") resolve();
      if (m.type === "failed") reject(new Error(`agent ${name}: ${m.error}`));
    });
    exited.then(() => reject(new Error(`agent ${name} exited during start-up`)));
  });
  return {
    name, records, pid: child.pid, child,
    online: () => online,
    idle: () => (child.connected ? new Promise((r) => { const id = next++; idleWaits.set(id, r); child.send({ type: "idle", id }); }) : Promise.resolve()),
    async stop() {
      if (child.connected) child.send({ type: "stop" });
      const late = setTimeout(() => void killChild(child, 2000), 10_000);
      await exited;
      clearTimeout(late);
    },
  };
}

/**
 * Start an agent on every clone of `topo`. `xmpp`: wait until every agent is online.
 * Returns { agents: {name: {name, records, pid, idle(), stop()}}, pids(), stop() } (also
 * registered for cleanup).
 */
export async function startHerald(cleanup, topo, { xmpp = false, watchRemoteRefs = true, inProcess = false, onlineTimeoutMs = 20_000 } = {}) {
  const agents = {};
  const stopAll = async () => {
    await Promise.all(Object.values(agents).map((a) => a.stop().catch((e) => console.error(`bench: stopping agent ${a.name}: ${e.message}`))));
  };
  const remove = cleanup.add("herald agents", stopAll);
  try {
    await Promise.all(names(topo.n).map(async (name) => {
      agents[name] = await (inProcess ? startInProcess : startChild)(topo.clones[name], name, watchRemoteRefs);
    }));
    if (xmpp) {
      const deadline = Date.now() + onlineTimeoutMs;
      while (!Object.values(agents).every((a) => a.online())) {
        if (Date.now() > deadline) throw new Error(`herald agents did not all come online on XMPP within ${onlineTimeoutMs / 1000} s`);
        await sleep(20);
      }
    }
    await settle(agents);
  } catch (e) {
    await remove();
    throw e;
  }
  return { agents, pids: () => Object.values(agents).map((a) => a.pid).filter(Boolean), stop: remove };
}

/** Wait until every agent is idle and stays so for a moment (start-up pushes, catch-up merges). */
export async function settle(agents, quietMs = 300) {
  for (let round = 0; round < 20; round++) {
    await Promise.all(Object.values(agents).map((a) => a.idle()));
    const before = Object.values(agents).reduce((s, a) => s + a.records.length, 0);
    await sleep(quietMs);
    const after = Object.values(agents).reduce((s, a) => s + a.records.length, 0);
    if (after === before) return;
  }
}

/** Records of `event` (optionally for one sha) over all agents, in time order. */
export function recordsOf(agents, event, sha) {
  return Object.values(agents).flatMap((a) => a.records).filter((r) => r.event === event && (sha === undefined || r.sha === sha)).sort((a, b) => a.t - b.t);
}
