// Section "large": the bigger cases. Star 20 (floor and Herald over XMPP, one process per agent
// unless --in-process), and a pair of clones of a repository of 100,000 files and about 1 GB,
// where a one-file commit should reach the peer in the floor's time plus at most 20 %: nothing on
// Herald's path (ref watching, the push, a fast-forward) may scan the whole tree. The big
// repository is made once per run with `git fast-import` (one commit, no work tree) and cloned
// locally (objects hard-linked); each clone's checkout writes the 1 GB.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, now, round } from "./lib.mjs";
import { propagationFloor, propagationHerald } from "./propagation.mjs";

const FILE_BYTES = 10_000;

/** A bare seed repository with `files` files of about FILE_BYTES each, in 100 directories. */
async function bigSeed(dir, files) {
  await git(tmpdir(), "init", "-q", "--bare", "-b", "main", dir);
  const fi = spawn("git", ["fast-import", "--quiet", "--done"], { cwd: dir, stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  fi.stderr.on("data", (d) => { err += d; });
  const done = new Promise((resolve, reject) => fi.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import: ${err.trim()}`)))));
  const write = (s) => (fi.stdin.write(s) ? Promise.resolve() : new Promise((r) => fi.stdin.once("drain", r)));
  const filler = "the quick brown fox jumps over the lazy dog\n".repeat(Math.ceil(FILE_BYTES / 44));
  for (let i = 0; i < files; i++) {
    const data = `file ${i}\n${filler}`.slice(0, FILE_BYTES);
    await write(`blob\nmark :${i + 1}\ndata ${Buffer.byteLength(data)}\n${data}\n`);
  }
  const msg = `${files} files`;
  await write(`commit refs/heads/main\ncommitter Bench <bench@example.org> 1700000000 +0000\ndata ${msg.length}\n${msg}\n`);
  for (let i = 0; i < files; i++) await write(`M 100644 :${i + 1} d${String(i % 100).padStart(2, "0")}/f${i}.txt\n`);
  await write("\ndone\n");
  fi.stdin.end();
  await done;
}

/** A builder for propagation.mjs: a pair of clones of the big seed, wired as buildTopology does. */
function bigPair(seed) {
  return async (cleanup, shape, n) => {
    const root = await mkdtemp(join(tmpdir(), "herald-bench-big-"));
    cleanup.paths.add(root);
    const dispose = cleanup.add(`big clones ${root}`, () => rm(root, { recursive: true, force: true }));
    const clones = { c1: join(root, "c1"), c2: join(root, "c2") };
    for (const [name, dir] of Object.entries(clones)) {
      await git(root, "clone", "-q", seed, dir);
      await git(dir, "remote", "remove", "origin");
      await git(dir, "config", "herald.node", name);
      await git(dir, "config", "user.name", `User ${name}`);
      await git(dir, "config", "user.email", `${name}@example.org`);
    }
    await git(clones.c1, "remote", "add", "c2", clones.c2);
    await git(clones.c2, "remote", "add", "c1", clones.c1);
    return { shape, n, clones, origin: clones.c1, peers: [clones.c2], upstream: { c2: "c1" }, dispose };
  };
}

export async function largeSection(ctx, { quick, server }) {
  const { cleanup } = ctx;
  const { printTable } = await import("./lib.mjs");
  const rows = [];
  const step = async (what, fn) => {
    const t = Date.now();
    process.stdout.write(`  ${what} … `);
    try {
      const row = await fn();
      rows.push(row);
      console.log(`p50 ${row.p50} ms, p95 ${row.p95} ms (${round((Date.now() - t) / 1000)} s)`);
    } catch (e) {
      console.log(`FAILED: ${e.message}`);
    }
  };
  const variant = server ? "herald-xmpp" : "herald-noxmpp";
  console.log("\nlarge: star 20; a pair on a repository of many files (commit on c1 → file in every other clone)");
  await step("floor, star 20", () => propagationFloor(ctx, "star", 20));
  await step(`${variant}, star 20`, () => propagationHerald(ctx, "star", 20, variant));

  const files = quick ? 10_000 : 100_000;
  const base = await mkdtemp(join(tmpdir(), "herald-bench-bigseed-"));
  cleanup.paths.add(base);
  const removeSeed = cleanup.add(`big seed ${base}`, () => rm(base, { recursive: true, force: true }));
  try {
    const seed = join(base, "seed.git");
    await mkdir(seed);
    const t0 = now();
    await bigSeed(seed, files);
    const label = `pair, ${files.toLocaleString("en")} files (${round((files * FILE_BYTES) / 1e9, 1)} GB)`;
    console.log(`  (seed of ${label} made in ${round((now() - t0) / 1000)} s; each case clones it and checks it out)`);
    const big = bigPair(seed);
    const named = (row) => ({ ...row, topology: label });
    await step(`floor, ${label}`, async () => named(await propagationFloor(ctx, "star", 2, big)));
    await step(`${variant}, ${label}`, async () => named(await propagationHerald(ctx, "star", 2, variant, big)));
  } finally {
    await removeSeed();
  }
  printTable("large cases (ms from `git commit` returning on c1 to the file in every other clone)", rows, ["system", "topology", "commits", "p50", "p95", "max", "eachP50", "timeouts", "cpuMsPerCommit"]);
  return { unit: "as propagation", rows };
}
