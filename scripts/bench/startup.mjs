// Section "startup": how long the `herald` command takes from exec to exit, for the installable
// bundle (scripts/pack/bundle.mjs) and the unbundled build (packages/cli/dist/bin.js), beside
// `node -e 0`, which no Node program can beat. `status` runs with no daemon to answer (a fresh
// XDG_RUNTIME_DIR, outside a clone): what a user or a script meets first, and what a shell
// prompt calling `herald status` would pay each time.
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { now, summary } from "./lib.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STARTUP_TARGET_MS = 150; // p50, exec to exit

export async function benchStartup(cleanup, { runs = 21 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "herald-bench-startup-"));
  cleanup.paths.add(dir);
  cleanup.add(`startup dir ${dir}`, () => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, "run"), { mode: 0o700 });
  const built = spawnSync(process.execPath, [join(ROOT, "scripts/pack/bundle.mjs"), join(dir, "bundle")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`bundling failed: ${built.stderr.trim()}`);
  const env = { ...process.env, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "config") };
  delete env.NODE_OPTIONS;
  const bins = { bundle: join(dir, "bundle", "herald.mjs"), dist: join(ROOT, "packages/cli/dist/bin.js") };
  const cases = [
    { name: "node -e 0", args: ["-e", "0"], code: 0 },
    ...Object.entries(bins).flatMap(([kind, bin]) => [
      { name: `herald --version (${kind})`, args: [bin, "--version"], code: 0, out: /^\d+\.\d+\.\d+ \(/ },
      { name: `herald status, no daemon (${kind})`, args: [bin, "status"], code: 1, out: /no Herald daemon is running/ },
    ]),
  ];
  const times = new Map(cases.map((c) => [c.name, []]));
  // Round-robin, one warm-up round first: load on the machine then falls on every case alike.
  for (let i = 0; i <= runs; i++) {
    for (const c of cases) {
      const t0 = now();
      const r = spawnSync(process.execPath, c.args, { cwd: dir, env, encoding: "utf8" });
      const ms = now() - t0;
      if (r.status !== c.code || (c.out && !c.out.test(r.stdout + r.stderr))) {
        throw new Error(`${c.name}: exit ${r.status}, output ${JSON.stringify((r.stdout + r.stderr).trim())}`);
      }
      if (i > 0) times.get(c.name).push(ms);
    }
  }
  const base = summary(times.get("node -e 0")).p50;
  const { benchFirstSync } = await import("./first-sync.mjs");
  const firstSync = await benchFirstSync(cleanup, bins.bundle, { runs: Math.max(3, Math.round(runs / 3)) });
  return [...cases.map((c) => {
    const s = summary(times.get(c.name));
    return { command: c.name, runs, "p50 ms": s.p50, "p95 ms": s.p95, "over node -e 0": s.p50 - base, target: c.name.startsWith("herald") ? (s.p50 < STARTUP_TARGET_MS ? "met" : "missed") : null };
  }), ...firstSync.map((r) => ({ ...r, "over node -e 0": r["p50 ms"] - base, target: null }))];
}
