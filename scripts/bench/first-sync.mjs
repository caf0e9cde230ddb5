// Section "startup", part two: start to first sync. `herald agent --repo c1` (or `herald daemon`
// serving c1 alone) is spawned on a clone holding a commit its peer c2 lacks; the clock runs from
// the spawn until that commit is in c2's refs/remotes/c1/main (the start-up push), watched from
// here. With the daemon up, `herald status` is timed exec to exit as a user meets it. No XMPP:
// start-up to the first push is what this measures; logging in runs beside it in the background.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, killChild, now, sleep, summary } from "./lib.mjs";

/** A fresh pair: c1 one commit ahead of c2, c2 its only remote. Returns the commit c2 should get. */
async function pair(root, i) {
  const base = join(root, `p${i}`);
  const c1 = join(base, "c1"), c2 = join(base, "c2");
  await mkdir(c1, { recursive: true });
  await git(c1, "init", "-q", "-b", "main");
  await writeFile(join(c1, "a.txt"), "a\n");
  await git(c1, "add", "a.txt");
  await git(c1, "commit", "-q", "-m", "a");
  await git(base, "clone", "-q", c1, c2);
  await git(c1, "remote", "add", "c2", c2);
  await git(c1, "config", "herald.node", "c1");
  await writeFile(join(c1, "b.txt"), "b\n");
  await git(c1, "add", "b.txt");
  await git(c1, "commit", "-q", "-m", "b");
  return { c1, c2, sha: (await git(c1, "rev-parse", "HEAD")).trim() };
}

/** ms from spawn until c2's record of c1 holds `sha` (or throws after 20 s). */
async function untilSynced(c2, sha, child) {
  const ref = join(c2, ".git", "refs", "remotes", "c1", "main");
  const t0 = now();
  for (;;) {
    if (existsSync(ref) && readFileSync(ref, "utf8").trim() === sha) return now() - t0;
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before the first sync`);
    if (now() - t0 > 20_000) throw new Error("no first sync within 20 s");
    await sleep(1); // the bench's stopwatch, not Herald's
  }
}

export async function benchFirstSync(cleanup, bin, { runs = 7 } = {}) {
  const root = await mkdtemp(join(tmpdir(), "herald-bench-firstsync-"));
  cleanup.paths.add(root);
  const remove = cleanup.add(`first-sync dir ${root}`, () => rm(root, { recursive: true, force: true }));
  const times = { agent: [], daemon: [], status: [] };
  try {
    for (let i = 0; i < runs; i++) {
      for (const kind of ["agent", "daemon"]) {
        const { c1, c2, sha } = await pair(root, `${kind}${i}`);
        const home = join(root, `home-${kind}${i}`);
        const env = { ...process.env, XDG_CONFIG_HOME: join(home, "config"), XDG_RUNTIME_DIR: join(home, "run"), XDG_STATE_HOME: join(home, "state") };
        delete env.NODE_OPTIONS;
        await mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
        if (kind === "daemon") {
          const added = spawnSync(process.execPath, [bin, "add", c1], { env, encoding: "utf8" });
          if (added.status !== 0) throw new Error(`herald add: ${added.stderr.trim()}`);
        }
        const args = kind === "agent" ? [bin, "agent", "--repo", c1, "--quiet"] : [bin, "daemon", "--quiet"];
        const child = spawn(process.execPath, args, { cwd: root, env, stdio: "ignore" });
        const stop = cleanup.add(`herald ${kind}`, () => killChild(child, 5000));
        try {
          times[kind].push(await untilSynced(c2, sha, child));
          if (kind === "daemon") {
            await sleep(200); // its control socket is up by now; status asks it
            const t0 = now();
            const r = spawnSync(process.execPath, [bin, "status"], { cwd: root, env, encoding: "utf8" });
            if (r.status !== 0) throw new Error(`herald status: exit ${r.status}: ${(r.stdout + r.stderr).trim()}`);
            times.status.push(now() - t0);
          }
        } finally {
          await stop();
        }
      }
    }
  } finally {
    await remove();
  }
  const row = (command, xs) => ({ command, runs: xs.length, "p50 ms": summary(xs).p50, "p95 ms": summary(xs).p95 });
  return [
    row("herald agent: spawn → first push delivered", times.agent),
    row("herald daemon, 1 repository: spawn → first push delivered", times.daemon),
    row("herald status, daemon running (1 repository)", times.status),
  ];
}
