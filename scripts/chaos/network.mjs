// The clones of one chaos case, wired as a ring (each knows only its two neighbours, so changes
// are relayed), a full mesh, or a star around a bare hub (no agent on the hub: clones push to it
// and fetch from it), and their agents, each in a process group of its own so that a SIGKILL
// takes the git it is running too. An agent killed is started again by `revive`.
import { git, makeSandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { startChild, settle } from "../bench/herald.mjs";
import { sleep } from "../bench/lib.mjs";

const execFileP = promisify(execFile);

export const names = (n) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

function pairs(shape, ns) {
  if (shape === "ring") return ns.map((c, i) => [c, ns[(i + 1) % ns.length]]);
  if (shape === "mesh") return "mesh";
  if (shape === "star") return [];
  throw new Error(`unknown topology ${shape} (ring, mesh or star)`);
}

/** Clones of one history, XMPP settings for each (every clone and `friends` are herald.peer).
 * `verify`: every clone signs its commits with one ssh key and merges only signed work
 * (herald.verify=signed), so the run shows the policy loses nothing under the faults. */
export async function buildNetwork(cleanup, { shape, n }, server, friends = [], keep = false, verify = false) {
  const ns = names(n);
  const sb = await makeSandbox(ns, pairs(shape, ns), shape === "star" ? { bares: ["hub"] } : {});
  if (!keep) cleanup.add(`sandbox ${sb.root}`, () => sb.cleanup());
  const root = (await git(sb.clones.c1, "rev-list", "--max-parents=0", "HEAD")).trim();
  for (const c of ns) {
    const dir = sb.clones[c];
    for (const [k, v] of [["herald.jid", `${c}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile], ["herald.repo", root]]) await git(dir, "config", k, v);
    for (const p of [...ns.filter((m) => m !== c), ...friends]) await git(dir, "config", "--add", "herald.peer", `${p}@${server.domain}`);
  }
  if (verify) {
    const key = join(sb.root, "signing-key"), signers = join(sb.root, "allowed_signers");
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "chaos", "-f", key]);
    await writeFile(signers, `chaos@example.org ${(await readFile(`${key}.pub`, "utf8")).trim()}\n`);
    for (const c of ns) {
      for (const [k, v] of [["gpg.format", "ssh"], ["user.signingKey", key], ["commit.gpgSign", "true"], ["herald.verify", "signed"], ["herald.allowedSigners", signers]]) await git(sb.clones[c], "config", k, v);
    }
  }
  return { shape, n, names: ns, sb, clones: sb.clones, hub: sb.bare.hub ?? null, repoId: root };
}

/** Agents on every clone; `envOf(name)` adds environment for one (the skewed clock). */
export async function startAgents(cleanup, net, { watchRemoteRefs, envOf = () => ({}) }) {
  const agents = {};
  const start = async (c) => {
    agents[c] = await startChild(net.clones[c], c, watchRemoteRefs, { env: envOf(c), detached: true });
    agents[c].restarts = (agents[c].restarts ?? 0);
    return agents[c];
  };
  // SIGKILL, not stop: a run may end with agents just killed, and IPC to those fails (EPIPE).
  cleanup.add("chaos agents", () => Promise.all(Object.values(agents).map((a) => kill(a))));
  await Promise.all(net.names.map(start));
  const deadline = Date.now() + 60_000;
  while (!Object.values(agents).every((a) => a.online())) {
    if (Date.now() > deadline) throw new Error("the agents did not all come online on XMPP within 60 s");
    await sleep(50);
  }
  await settle(agents);
  const held = new Set(); // agents another fault keeps down: not to be revived by the kill loop
  const reviving = new Map(); // clone -> its latest start, so starts of one agent never overlap
  return {
    agents,
    alive: (c) => alive(agents[c]),
    hold: (c) => held.add(c),
    release: (c) => held.delete(c),
    held: (c) => held.has(c),
    /** SIGKILL the agent and every process of its group (the git it runs). */
    async kill(c) { await kill(agents[c]); },
    /** Start a killed agent again (not one held down); its records carry on in a new list. */
    revive(c) {
      const run = (reviving.get(c) ?? Promise.resolve()).then(async () => {
        const before = agents[c];
        if (alive(before) || held.has(c)) return; // up already (two faults chose it), or kept down
        const a = await start(c);
        a.restarts = before.restarts + 1;
        a.earlier = [...(before.earlier ?? []), before.records];
      });
      reviving.set(c, run.catch(() => {}));
      return run;
    },
    /** Resolves once no start of this agent is under way. */
    settled: (c) => reviving.get(c) ?? Promise.resolve(),
  };
}

export const alive = (a) => a.child.exitCode === null && a.child.signalCode === null;

async function kill(a) {
  if (!alive(a)) return;
  const exited = new Promise((r) => a.child.once("exit", r));
  try { process.kill(-a.pid, "SIGKILL"); } catch { /* gone already */ }
  await exited;
}
