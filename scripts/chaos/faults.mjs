// The faults of a chaos case, each one a function that injects it and undoes it, plus the loop
// that SIGKILLs a random agent every 1 to 3 s. Every fault is recorded with when it ended: the
// run measures the seconds from the last one to a single HEAD everywhere.
import { watch } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sleep } from "../bench/lib.mjs";
import { commitStaged, gitIn } from "./edits.mjs";

export const FAULT_KINDS = ["kill", "kill-checkout", "prosody-restart", "prosody-wipe", "unreachable", "disk-full", "clock-skew", "uncommitted"];

export class FaultLog {
  entries = [];
  lastEnd = Date.now();
  add(kind, fields = {}) {
    this.entries.push({ kind, at: Date.now(), ...fields });
    this.lastEnd = Math.max(this.lastEnd, Date.now());
  }
  count(kind) { return this.entries.filter((e) => e.kind === kind && !e.skipped).length; }
}

/** SIGKILL a random live agent every 1-3 s until `until`; each comes back 0.3-1.5 s later. */
export async function killLoop({ herald, net, rng, until, log, spare = () => [] }) {
  const revivals = [];
  while (Date.now() < until) {
    await sleep(rng.int(1000, 3000));
    if (Date.now() >= until) break;
    const candidates = net.names.filter((c) => herald.alive(c) && !herald.held(c) && !spare().includes(c));
    if (!candidates.length) continue;
    const c = rng.pick(candidates);
    const back = rng.int(300, 1500);
    await herald.kill(c);
    log.add("kill", { clone: c });
    revivals.push(sleep(back).then(() => !herald.held(c) && herald.revive(c)).then(() => log.add("revived", { clone: c }), (e) => log.add("revive-failed", { clone: c, error: e.message })));
  }
  await Promise.all(revivals);
}

/**
 * A commit of `files` small files on `from`; the first other clone to start moving its HEAD to
 * it (Herald's journal .git/herald/advance.json appears) is SIGKILLed in the middle of the checkout.
 */
export async function killDuringCheckout({ herald, net, from, files, log, spare = [] }) {
  const dir = net.clones[from];
  const batch = `batch${Date.now().toString(36)}`;
  await mkdir(join(dir, batch), { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(dir, batch, `f${String(i).padStart(5, "0")}.txt`), `${batch} ${i}\n`);
  const g = gitIn(dir);
  await g("add", "--", batch);
  const watchers = [];
  const victim = new Promise((resolve) => {
    for (const c of net.names.filter((x) => x !== from && !spare.includes(x))) {
      try {
        const w = watch(join(net.clones[c], ".git", "herald"), (_e, name) => { if (String(name) === "advance.json") resolve(c); });
        watchers.push(w);
      } catch { /* not made yet */ }
    }
  });
  const sha = await commitStaged(g, `${from}: ${files} files in ${batch}`);
  const c = await Promise.race([victim, sleep(20_000).then(() => null)]);
  for (const w of watchers) w.close();
  if (c && herald.alive(c) && !herald.held(c)) {
    await herald.kill(c);
    log.add("kill-checkout", { clone: c, files });
    await sleep(500);
    await herald.revive(c);
  } else log.add("kill-checkout", { skipped: "no clone began the checkout within 20 s" });
  return sha ? { sha, clone: from, kind: "checkout" } : null;
}

export async function prosodyRestart({ server, log }) {
  await server.restart();
  log.add("prosody-restart");
}

/** Prosody stopped, its pubsub data removed (the nodes and their items), started again. */
export async function prosodyWipe({ server, log }) {
  await server.halt();
  const data = join(server.dir, "data");
  const gone = (await readdir(data)).filter((d) => d.startsWith("pubsub"));
  for (const d of gone) await rm(join(data, d), { recursive: true, force: true });
  await server.resume();
  log.add("prosody-wipe", { removed: gone });
}

/**
 * A remote's directory moved away for `ms`, then back: the hub of a star, else a clone whose
 * machine is off the network meanwhile (its agent is down too: moving a clone from under a
 * running agent is the different fault "directory gone", which Herald reports and waits out).
 */
export async function unreachable({ herald, net, rng, log, ms = 10_000, spare = [], away, busy }) {
  const c = net.hub ? "hub" : rng.pick(net.names.filter((x) => !spare.includes(x)));
  const dir = net.hub ?? net.clones[c];
  away.add(c); // no user edits there meanwhile: writing a file would make the directory again
  while (busy.has(c)) await sleep(50);
  if (!net.hub) { herald.hold(c); await herald.settled(c); await herald.kill(c); }
  await rename(dir, `${dir}.away`);
  // A file where the directory was: a peer's git receive-pack under way keeps working in the moved
  // directory (its cwd) but writes its quarantined objects by absolute path, and would make that
  // path again as a directory holding half a repository (ref updated in one, objects in the
  // other: a split no real outage makes). Under a file that path cannot be made, so the push fails
  // as it would against an unplugged drive. (Permissions would do, but CI runs as root.)
  await writeFile(dir, "unreachable for a while (npm run chaos)\n", { flag: "wx" }).catch(() => undefined);
  await sleep(ms);
  await comeBack(dir);
  away.delete(c);
  if (!net.hub) { herald.release(c); await herald.revive(c); }
  log.add("unreachable", { clone: c, ms });
}

/** Moves `${dir}.away` back, after the file standing in its place. Should a push have made the
 * directory again before that file was there (git receive-pack: tmp_objdir, by absolute path), an
 * empty shell goes first; one holding a file stops the run. */
async function comeBack(dir) {
  if ((await stat(dir).catch(() => null))?.isFile()) await rm(dir);
  try {
    await rename(`${dir}.away`, dir);
  } catch (e) {
    if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => !d.isDirectory());
    if (files.length) throw new Error(`${dir} was made again while away, with files: ${files.slice(0, 5).map((f) => f.name).join(", ")}`);
    await rm(dir, { recursive: true });
    await rename(`${dir}.away`, dir);
  }
}

export async function diskFull({ disk, clone, log, ms = 8000 }) {
  if (disk.skipped) return log.add("disk-full", { skipped: disk.skipped });
  const marginKiB = await disk.fill();
  await sleep(ms);
  const room = await disk.room();
  await disk.free();
  log.add("disk-full", { clone, ms, marginKiB, roomWhileFull: room });
}
