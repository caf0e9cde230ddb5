// Herald agents in this process (one per clone), each with a logger that keeps its records with a
// monotonic timestamp, so a run can be taken apart afterwards: when the origin noticed the commit,
// pushed, announced; when a peer fetched on an announcement or merged.
import { now, sleep } from "./lib.mjs";
import { names } from "./topology.mjs";

const importBuilt = (p) => import(p);

function recordingLogger(records, node) {
  const emit = (level) => (event, fields = {}) => records.push({ t: now(), level, event, node, ...fields });
  const log = { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
  log.child = () => log;
  log.with = () => log;
  return log;
}

/**
 * Start an agent on every clone of `topo`. `xmpp`: wait until every agent is online.
 * Returns { agents: {name: {agent, records, events}}, stop() } (also registered for cleanup).
 */
export async function startHerald(cleanup, topo, { xmpp = false, watchRemoteRefs = true } = {}) {
  const { Agent } = await importBuilt("@herald/agent");
  const agents = {};
  const stopAll = async () => {
    await Promise.all(Object.values(agents).map((a) => a.agent.stop().catch((e) => console.error(`bench: stopping ${a.name}: ${e.message}`))));
  };
  const remove = cleanup.add("herald agents", stopAll);
  try {
    await Promise.all(names(topo.n).map(async (name) => {
      const records = [];
      const counts = { fetched: 0 };
      const agent = await Agent.start({
        repoDir: topo.clones[name],
        log: recordingLogger(records, name),
        watchRemoteRefs,
        env: { HERALD_PASSWORD: `${name}-pw` },
      });
      agent.events.on("fetched", (e) => { counts.fetched++; records.push({ t: now(), event: "fetch", node: name, ...e }); });
      agents[name] = { name, agent, records, counts };
    }));
    if (xmpp) {
      const deadline = Date.now() + 20_000;
      while (!Object.values(agents).every((a) => a.agent.signaling?.stats.online)) {
        if (Date.now() > deadline) throw new Error("herald agents did not all come online on XMPP within 20 s");
        await sleep(20);
      }
    }
    await settle(agents);
  } catch (e) {
    await remove();
    throw e;
  }
  return { agents, stop: remove };
}

/** Wait until every agent is idle and stays so for a moment (start-up pushes, catch-up merges). */
export async function settle(agents, quietMs = 300) {
  for (let round = 0; round < 20; round++) {
    await Promise.all(Object.values(agents).map((a) => a.agent.idle()));
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
