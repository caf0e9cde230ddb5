// @ts-check
// A 5 MB annexed file over ssh across the link, pair: from `git commit` of the file on c1 until
// its content is in c2's annex. Herald (git only) moves it along its plan with git-annex over ssh
// (git-annex-shell on the far side); the floor is `git annex copy --to c2` run as soon as the
// commit returns, its ssh connection reused as git-annex's own annex.sshcaching would (it is
// off when GIT_SSH_COMMAND is set, which the test key needs, so the reuse is in the command).
// Arrival is seen from outside: inotify on c2's annex objects directory, a slow poll beside it.
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, watch } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { hasContent } from "@herald/testkit";
import { settle, startHerald } from "../herald.mjs";
import { commitNewFile, git, now, percentile, round, sleep } from "../lib.mjs";
import { clone, wanBuilder } from "./net.mjs";

const execFileP = promisify(execFile);

/** @typedef {import("./latency.mjs").Ctx} Ctx */
/** @typedef {import("./net.mjs").Wan} Wan */

/**
 * Resolves with now() when `key`'s content is complete in `dir`'s annex (null after `timeoutMs`).
 * @param {string} dir @param {string} key @param {number} timeoutMs
 * @returns {{ arrived: Promise<number | null>, close(): void }}
 */
function arrival(dir, key, timeoutMs) {
  const objects = join(dir, ".git", "annex", "objects");
  mkdirSync(objects, { recursive: true });
  /** @type {(t: number | null) => void} */
  let done = () => undefined;
  const arrived = new Promise((r) => { done = r; });
  const w = watch(objects, { recursive: true }, (type, file) => {
    if (type === "rename" && file?.endsWith(`/${key}/${key}`) && existsSync(join(objects, file))) done(now());
  });
  const poll = setInterval(() => void hasContent(dir, key).then((yes) => { if (yes) done(now()); }), 1000);
  const timer = setTimeout(() => done(null), timeoutMs);
  const close = () => { w.close(); clearInterval(poll); clearTimeout(timer); };
  void arrived.finally(close);
  return { arrived, close };
}

/**
 * `files` files (and one warm-up) of `sizeBytes` each, one at a time.
 * @param {Ctx} ctx @param {Wan} wan @param {"herald" | "floor"} system
 * @param {{ files: number, sizeBytes: number }} o
 */
export async function annexCase(ctx, wan, system, { files, sizeBytes }) {
  const topo = await wanBuilder(wan, { reuse: system === "floor" })(ctx.cleanup, "star", 2);
  const c1 = clone(topo, "c1"), c2 = clone(topo, "c2");
  try {
    for (const [name, dir, other] of /** @type {const} */ ([["c1", c1, "c2"], ["c2", c2, "c1"]])) {
      await git(dir, "annex", "init", "-q", name);
      await git(dir, "config", "annex.largefiles", "anything");
      // init probed the other side with plain ssh (git-annex does not read core.sshCommand), before
      // that side was an annex, and marked it annex-ignore: a user would have had the key in
      // ~/.ssh/config and the far side ready; the first transfer asks for its uuid again.
      await git(dir, "config", "--unset-all", `remote.${other}.annex-ignore`).catch(() => undefined);
    }
    const herald = system === "herald" ? await startHerald(ctx.cleanup, topo, { inProcess: ctx.opts.inProcess }) : null;
    const env = { ...process.env, GIT_ANNEX_USE_GIT_SSH: "1", GIT_SSH_COMMAND: (await git(c1, "config", "core.sshCommand")).trim() };
    try {
      /** @type {number[]} */
      const times = [];
      let lost = 0;
      for (let i = -1; i < files; i++) {
        const file = randomBytes(sizeBytes);
        const name = `big-${i < 0 ? "warmup" : i}.bin`;
        const key = `SHA256E-s${sizeBytes}--${createHash("sha256").update(file).digest("hex")}.bin`;
        const wait = arrival(c2, key, 60_000);
        const c = await commitNewFile(c1, name, file);
        if (system === "floor") await execFileP("git", ["annex", "copy", "--quiet", "--to", "c2", "--", name], { cwd: c1, env });
        const t = await wait.arrived;
        if (i < 0) continue;
        if (t === null) lost++; else times.push(t - c.t);
        if (herald) await settle(herald.agents, 200);
        await sleep(2000 + Math.random() * 2000); // a person's pace, not a burst (section.mjs)
      }
      const mbps = (/** @type {number | null} */ ms) => (ms ? round(sizeBytes / 1048576 / (ms / 1000), 1) : null);
      return {
        system: system === "herald" ? "herald" : "floor: git annex copy --to (reuse)", mb: round(sizeBytes / 1048576, 1), files: times.length,
        p50: round(percentile(times, 50)), max: round(times.length ? Math.max(...times) : null), mbPerSecondP50: mbps(percentile(times, 50)),
        timeouts: lost, sshConnections: topo.connections(),
      };
    } finally {
      await herald?.stop();
    }
  } finally {
    await topo.dispose();
  }
}
