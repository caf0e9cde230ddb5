#!/usr/bin/env node
// The live show behind ./scripts/demo.sh: a throwaway Prosody, three clones (laptop, desktop and a
// bare "server" repo), an agent beside each working clone, commits on different clones and one
// conflicting edit, printed as a timeline with measured milliseconds. Exits 0 only if every step
// it shows really happened; cleans up everything it started.
import { Agent, createLogger, eventItems, PubsubNode, Session, silentLogger } from "../packages/agent/dist/index.js";
import { announcementToElement, decodePayload, pubsubNodeName } from "../packages/protocol/dist/index.js";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor } from "../packages/testkit/dist/index.js";
import { readdir } from "node:fs/promises";

const t0 = performance.now();
const stamp = () => `${String(Math.round(performance.now() - t0)).padStart(6)} ms`;
const say = (who, what) => console.log(`${stamp()}  ${who.padEnd(8)} ${what}`);
const cleanups = [];
let failed = false;

async function step(title, fn) {
  console.log(`\n== ${title}`);
  try {
    await fn();
  } catch (e) {
    failed = true;
    console.log(`   FAILED: ${e.message}`);
    throw e;
  }
}

try {
  let server;
  await step("A throwaway XMPP server (Prosody, loopback only)", async () => {
    server = await startXmppServer({ accounts: ["laptop", "desktop"] });
    cleanups.push(() => server.stop());
    say("prosody", `listening on ${server.service}, pubsub at ${server.pubsub}`);
  });

  await step("An announcement over XMPP publish-subscribe (XEP-0060)", async () => {
    const login = async (acc) => {
      const s = new Session({ jid: acc.jid, password: acc.password, service: server.service }, silentLogger);
      cleanups.push(() => s.stop());
      const online = new Promise((r) => s.once("online", r));
      await s.start();
      await online;
      return s;
    };
    const [a, b] = [await login(server.accounts[0]), await login(server.accounts[1])];
    const repo = "demo";
    const na = new PubsubNode(a, server.pubsub, pubsubNodeName(repo));
    await na.ensure();
    const nb = new PubsubNode(b, server.pubsub, pubsubNodeName(repo));
    await nb.subscribe();
    const got = new Promise((r) => b.on("stanza", (st) => { const [it] = eventItems(st, server.pubsub); if (it) r(it); }));
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const sent = performance.now();
    await na.publish("refs/heads/main", announcementToElement({ repo, ref: "refs/heads/main", sha, prev: null, node: "laptop", seq: 1, time: Date.now() }));
    const item = await got;
    const decoded = decodePayload(item.payload);
    if (!decoded.ok) throw new Error(decoded.error.message);
    say("desktop", `heard laptop announce ${decoded.value.announcement.sha.slice(0, 7)} on ${item.node} (${(performance.now() - sent).toFixed(1)} ms)`);
  });

  let sb;
  const agents = {};
  await step("Three clones: laptop and desktop (working clones with agents), server (bare)", async () => {
    sb = await makeSandbox(["laptop", "desktop"], "mesh", { bares: ["server"] });
    cleanups.push(() => sb.cleanup());
    for (const name of ["laptop", "desktop"]) {
      const log = createLogger([(r) => {
        if (["commit", "merged", "pushed", "push-failed"].includes(r.event)) {
          const detail = r.event === "pushed" ? `pushed ${String(r.sha).slice(0, 7)} to ${r.remote} (${r.ms} ms)`
            : r.event === "merged" ? `merged ${String(r.sha).slice(0, 7)}${r.fastForward ? " (fast-forward)" : ""}${r.conflicts ? `, ${r.conflicts} conflict(s) kept as variants` : ""} (${r.ms} ms)`
            : r.event === "commit" ? `noticed commit ${String(r.sha).slice(0, 7)}` : `push to ${r.remote} failed`;
          say(name, detail);
        }
      }], "info");
      agents[name] = await Agent.start({ repoDir: sb.clones[name], log });
      cleanups.unshift(() => agents[name].stop());
    }
    await Promise.all(Object.values(agents).map((a) => a.idle()));
    say("demo", "agents started");
  });

  await step("A commit on the laptop reaches the desktop and the server", async () => {
    const start = performance.now();
    const sha = await commitFile(sb.clones.laptop, "notes.md", "# Notes\nwritten on the laptop\n", "laptop: notes");
    say("laptop", `git commit ${sha.slice(0, 7)}`);
    await waitFor(async () => (await head(sb.clones.desktop)) === sha, 15_000, "desktop to have the commit");
    say("desktop", `has ${sha.slice(0, 7)} in its working tree after ${Math.round(performance.now() - start)} ms`);
    await waitFor(async () => (await git(sb.bare.server, "rev-parse", "main")).trim() === sha, 15_000, "server to have the commit");
    say("server", `branch main is ${sha.slice(0, 7)}`);
  });

  await step("The same file edited on both machines at once: both versions are kept", async () => {
    await Promise.all([
      commitFile(sb.clones.laptop, "plan.txt", "laptop says: ship on Friday\n", "laptop: plan"),
      commitFile(sb.clones.desktop, "plan.txt", "desktop says: ship on Monday\n", "desktop: plan"),
    ]);
    const same = async () => {
      const [a, b] = [await head(sb.clones.laptop), await head(sb.clones.desktop)];
      return a === b ? a : null;
    };
    const sha = await waitFor(same, 20_000, "both clones to converge");
    await Promise.all(Object.values(agents).map((a) => a.idle()));
    const files = (await readdir(sb.clones.desktop)).filter((f) => f.startsWith("plan"));
    if (files.length !== 2 || files.includes("plan.txt")) throw new Error(`expected two plan variants, found ${files.join(", ")}`);
    say("both", `converged on ${sha.slice(0, 7)}; files: ${files.join(", ")}`);
    const conflicts = await agents.desktop.conflicts.list();
    say("desktop", `herald conflicts: ${conflicts.map((c) => `${c.path} (${c.kind}) -> ${c.variants.map((v) => v.file).join(", ")}`).join("; ")}`);
  });
} catch {
  failed = true;
} finally {
  for (const c of cleanups) await c().catch(() => undefined);
}
console.log(failed ? "\ndemo FAILED" : `\ndemo finished in ${Math.round(performance.now() - t0)} ms: every step above really happened.`);
process.exit(failed ? 1 : 0);
