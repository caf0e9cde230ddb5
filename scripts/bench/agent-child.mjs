// One Herald agent in a process of its own (started with child_process.fork by herald.mjs), as
// it runs when deployed: one agent per machine, its own event loop. Agent.start gets a logger
// that sends every record to the bench over the IPC channel, stamped with CLOCK_MONOTONIC
// (process.hrtime: the same clock in every process on the machine), as do the agent's "fetched"
// events. The bench asks for `idle` (agent.idle()) and `stop` over the same channel.
//
//   argv: <repoDir> <name> <watchRemoteRefs: 1|0>; HERALD_PASSWORD in the environment.
const [repoDir, name, watch] = process.argv.slice(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const send = (m) => { if (process.connected) process.send(m); };

const emit = (level) => (event, fields = {}) => send({ type: "record", r: { ...fields, t: now(), level, event, agent: name } });
const log = { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
log.child = () => log;
log.with = () => log;

try {
  const { Agent } = await import("@herald/agent");
  const agent = await Agent.start({ repoDir, log, watchRemoteRefs: watch === "1", env: { HERALD_PASSWORD: process.env.HERALD_PASSWORD } });
  agent.events.on("fetched", (e) => send({ type: "record", r: { ...e, t: now(), level: "info", event: "fetch", agent: name } }));
  let online = false;
  let stopping = null;
  const stop = () => (stopping ??= (async () => { clearInterval(poll); await agent.stop(); })());
  const poll = setInterval(() => { // the bench's question, not the agent's: is the session up yet?
    if (!online && agent.channel?.stats.online) { online = true; send({ type: "online" }); clearInterval(poll); }
  }, 20);
  if (!agent.channel) clearInterval(poll);
  process.on("message", async (m) => {
    if (m.type === "idle") {
      await agent.idle();
      send({ type: "idle", id: m.id });
    } else if (m.type === "stop") {
      await stop();
      send({ type: "stopped" });
      process.disconnect();
    }
  });
  // Asked to stop, or the bench went away without asking: stop, then leave.
  process.on("disconnect", () => void stop().finally(() => process.exit(0)));
  send({ type: "ready", pid: process.pid });
} catch (e) {
  send({ type: "failed", error: e.message });
  process.exit(1);
}
