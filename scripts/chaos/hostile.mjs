// The hostile-input suite: hostile.py (slixmpp, a client Herald did not write) reads the real
// announcements and publishes mutated copies, as a stranger and as an allow-listed peer, and sends
// chat commands from accounts that are not herald.admin. Afterwards nothing moved in any clone,
// the canary file no payload may create does not exist, every agent is up, and the next real
// commit still reaches every clone.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sleep } from "../bench/lib.mjs";
import { commitStaged, gitIn } from "./edits.mjs";
import { refsMoved, refsOf, waitForOneHead } from "./invariants.mjs";
import { writeFile } from "node:fs/promises";

const execFileP = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./hostile.py", import.meta.url));
export const PYTHON = "/usr/bin/python3"; // Debian's, where python3-slixmpp is installed

export async function slixmppMissing() {
  return execFileP(PYTHON, ["-c", "import slixmpp"]).then(() => null, () => `${PYTHON} cannot import slixmpp (apt-get install python3-slixmpp)`);
}

const events = (herald, re) => Object.values(herald.agents).flatMap((a) => [...(a.earlier ?? []).flat(), ...a.records]).filter((r) => re.test(r.event));

export async function hostileSuite({ net, server, herald, seed, count, accounts }) {
  const missing = await slixmppMissing();
  if (missing) return { skipped: missing };
  const canary = join(tmpdir(), `herald-chaos-pwned-${process.pid}-${seed}`);
  const before = await refsOf(net);
  const dropped0 = events(herald, /announcement-dropped|announcements-ignored|chat-ignored/).length;
  const runs = [];
  for (const [i, who] of accounts.entries()) {
    const cfg = {
      host: "127.0.0.1", port: server.port, ca: server.caFile, jid: `${who}@${server.domain}`, password: `${who}-pw`, pubsub: server.pubsub,
      node: `herald/${net.repoId}`, repo: net.repoId, count, seed: seed * 10 + i, canary, targets: net.names.map((c) => `${c}@${server.domain}`),
    };
    const { stdout } = await execFileP(PYTHON, [SCRIPT, JSON.stringify(cfg)], { maxBuffer: 16 << 20, timeout: 300_000 });
    runs.push(JSON.parse(stdout.trim().split("\n").pop()));
  }
  await sleep(3000); // what is still in flight lands, or would have moved something by now
  const moved = await refsMoved(net, before, await refsOf(net));
  const unchanged = moved.every((m) => m.bookkeeping);
  const alive = net.names.filter((c) => herald.alive(c)).length;
  const obeyed = events(herald, /^chat-command$|^paused$/).length;
  // The next real commit still goes everywhere.
  const c1 = net.clones[net.names[0]];
  await writeFile(join(c1, "after-hostile.txt"), `seed ${seed}\n`);
  const g = gitIn(c1);
  await g("add", "--", "after-hostile.txt");
  const sha = await commitStaged(g, "after the hostile input");
  const t0 = Date.now();
  const head = await waitForOneHead(net, 60_000);
  const arrived = head !== null && (await Promise.all(net.names.map((c) => gitIn(net.clones[c])("merge-base", "--is-ancestor", sha, "HEAD").then(() => true, () => false)))).every(Boolean);
  return {
    published: runs.reduce((s, r) => s + r.published, 0),
    refusedByServer: runs.reduce((s, r) => s + r.refused, 0),
    realAnnouncementsRead: runs.reduce((s, r) => s + r.read, 0),
    chats: runs.reduce((s, r) => s + r.chats, 0),
    clientErrors: runs.filter((r) => r.error || r.closedAfter).map((r) => `${r.jid}: ${r.error ?? r.closedAfter}`),
    droppedLogged: events(herald, /announcement-dropped|announcements-ignored|chat-ignored/).length - dropped0,
    reposUnchanged: unchanged,
    refsMoved: moved,
    canaryCreated: existsSync(canary),
    chatCommandsObeyed: obeyed,
    agentsAlive: `${alive}/${net.names.length}`,
    nextCommitArrived: arrived,
    nextCommitSeconds: arrived ? Math.round((Date.now() - t0) / 100) / 10 : null,
    commit: sha,
  };
}

export const hostilePassed = (h) => h.skipped !== undefined || (h.reposUnchanged && !h.canaryCreated && h.chatCommandsObeyed === 0 && h.clientErrors.length === 0 && h.agentsAlive.split("/")[0] === h.agentsAlive.split("/")[1] && h.nextCommitArrived);
