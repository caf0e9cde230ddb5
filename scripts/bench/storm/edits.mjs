// @ts-check
// The storm's edits: in each round every clone commits at once, and the commits of one round
// conflict with each other: every clone writes the same text file and the same binary file, one
// clone deletes a file another one modifies; each clone also adds a file of its own. Every commit
// made is returned with the paths and contents it wrote, so that "nothing lost" can be checked.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { now, sleep } from "../lib.mjs";

const execFileP = promisify(execFile);

/** @typedef {{ sha: string, clone: string, round: number, wrote: Record<string, Buffer>, deleted: string[] }} Made */

const LOCKED = /index\.lock|cannot lock ref|Unable to create/;

/** HERALD_BENCH_TRACE: each git the user ran, when it ended (the bench's clock) and how. */
/** @type {Array<{ t: number, agent: string, event: string, args: string, outcome: string }>} */
export const userGits = [];

/** git in `dir` as the user would run it: again while the agent's merge holds index.lock. */
export function gitIn(/** @type {string} */ dir) {
  const trace = (/** @type {string[]} */ args, /** @type {string} */ outcome) => {
    if (process.env.HERALD_BENCH_TRACE) userGits.push({ t: now(), agent: basename(dir), event: "user-git", args: args.join(" ").slice(0, 80), outcome });
  };
  return async (/** @type {string[]} */ ...args) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = (await execFileP("git", ["-c", "core.abbrev=40", ...args], { cwd: dir, maxBuffer: 64 << 20 })).stdout;
        trace(args, `ok ${out.trim().split("\n")[0]?.slice(0, 60) ?? ""}`);
        return out;
      } catch (e) {
        const err = String(/** @type {any} */ (e).stderr ?? "");
        trace(args, `failed: ${err.trim().split("\n")[0]?.slice(0, 80)}`);
        if (!LOCKED.test(err) || attempt >= 400) throw e;
        await sleep(25);
      }
    }
  };
}

/** The files the modify/delete conflicts need, one per round: committed on the first clone
 * before the agents start (the caller spreads it). */
export const seedFiles = (/** @type {number} */ rounds) => Array.from({ length: rounds }, (_, r) => [`md/r${r}.txt`, `round ${r}: the original\n`]);

/**
 * Round `round` on every clone at once. `names[0]` deletes md/r<round>.txt and `names[1]`
 * modifies it (modify beats delete: the modification must survive).
 * @param {Record<string, string>} clones @param {string[]} names @param {number} round
 * @returns {Promise<{ made: Made[], lastAt: number }>}
 */
export async function stormRound(clones, names, round) {
  /** @type {Made[]} */
  const made = [];
  let lastAt = 0;
  await Promise.all(names.map(async (c, i) => {
    const dir = clones[c];
    if (!dir) throw new Error(`no clone ${c}`);
    const g = gitIn(dir);
    /** @param {string} path @param {string | Buffer} data */
    const put = async (path, data) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), data);
      await g("add", "--", path);
    };
    /** @type {Array<[string, string | Buffer]>} */
    const edits = [
      ["same.txt", `${c} wrote this in round ${round}\n`],
      [`own/${c}-r${round}.txt`, `${c}'s own file, round ${round}\n`],
      ["pic.bin", Buffer.from([0, 1, 2, 255, round, i, 0, 7, ...Buffer.from(c)])],
    ];
    for (const [path, data] of edits) {
      await put(path, data);
      made.push(await commit(g, c, round, `storm ${c} r${round}: ${path}`, { [path]: Buffer.from(data) }, []));
    }
    const md = `md/r${round}.txt`;
    if (i === 0) {
      await rm(join(dir, md), { force: true });
      await g("rm", "-q", "--cached", "--ignore-unmatch", "--", md);
      made.push(await commit(g, c, round, `storm ${c} r${round}: delete ${md}`, {}, [md]));
    } else if (i === 1) {
      const text = `round ${round}: modified by ${c}\n`;
      await put(md, text);
      made.push(await commit(g, c, round, `storm ${c} r${round}: modify ${md}`, { [md]: Buffer.from(text) }, []));
    }
    lastAt = Math.max(lastAt, now());
  }));
  return { made, lastAt };
}

/** @param {(...a: string[]) => Promise<string>} g @param {string} clone @param {number} round @param {string} message
 * @param {Record<string, Buffer>} wrote @param {string[]} deleted @returns {Promise<Made>} */
async function commit(g, clone, round, message, wrote, deleted) {
  // --allow-empty: a merge may have brought the very same content meanwhile (the delete of a file
  // a merge removed already); the commit is made all the same, and must not be lost either.
  // The sha from commit's own output: HEAD may be a merge of the agent's a moment later.
  const out = await g("commit", "--no-verify", "--allow-empty", "-m", message);
  const sha = /\[[^\]]*?([0-9a-f]{40})\]/.exec(out)?.[1];
  if (!sha) throw new Error(`no sha in git commit's output: ${out.slice(0, 200)}`);
  return { sha, clone, round, wrote, deleted };
}
