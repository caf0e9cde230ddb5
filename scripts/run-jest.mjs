#!/usr/bin/env node
// Runs jest (ESM mode) and ends with one line CI reads: "N passed, N failed[, N skipped]".
// Jest's own summary goes to stderr and is not parsed by CI.
//
// The whole suite (no arguments) runs as two shards side by side, each one jest process with a
// home of its own (test-sequencer.mjs balances them by time), then the storms (ALONE) by themselves.
// Most files wait on git, Prosody and sshd rather than compute. HERALD_TEST_SHARDS=1: one process.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";

// Storms of agents on both cores that measure convergence: a shard beside them would make them
// measure the load.
const ALONE = ["packages/agent/test/chaos.test.ts", "packages/agent/test/convergence.test.ts", "packages/agent/test/storm.test.ts"];
const args = process.argv.slice(2);
const shards = args.length ? 1 : Number(process.env.HERALD_TEST_SHARDS ?? Math.min(2, availableParallelism()));

/** One jest process; its counts from its JSON results. */
function jest(extra) {
  const dir = mkdtempSync(join(tmpdir(), "herald-jest-"));
  const out = join(dir, "results.json");
  // --forceExit: a leaked handle (a child process a failed test did not stop) must not hang CI.
  const argv = ["node_modules/jest/bin/jest.js", "--json", `--outputFile=${out}`, "--forceExit", ...extra];
  // The tests' Herald keeps its list, settings, API key, socket and log in a home of the run's own:
  // a test that forgets to set XDG_* then neither reads nor writes the user's real ones (nor talks
  // to a daemon the user runs, or the other shard's).
  const xdg = { XDG_CONFIG_HOME: join(dir, "config"), XDG_RUNTIME_DIR: join(dir, "run"), XDG_STATE_HOME: join(dir, "state") };
  mkdirSync(xdg.XDG_RUNTIME_DIR, { mode: 0o700 });
  const env = { ...process.env, ...xdg, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: "inherit", env });
    child.once("exit", (code) => {
      const r = { passed: 0, failed: 0, skipped: 0, ok: code === 0, times: {} };
      try {
        const j = JSON.parse(readFileSync(out, "utf8"));
        r.passed = j.numPassedTests; r.failed = j.numFailedTests; r.skipped = j.numPendingTests + (j.numTodoTests ?? 0);
        // A suite that fails to load counts as a failure even if it reported no tests.
        if (j.numFailedTestSuites > 0 && r.failed === 0) r.failed = j.numFailedTestSuites;
        for (const s of j.testResults) r.times[relative(process.cwd(), s.name)] = Math.round((s.endTime - s.startTime) / 100) / 10;
      } catch {
        r.failed = Math.max(1, r.failed); // jest crashed before writing results
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    });
  });
}

const runs = shards <= 1 ? [await jest(args)] : [
  ...(await Promise.all(Array.from({ length: shards }, (_, i) => jest([`--shard=${i + 1}/${shards}`, ...ALONE.map((f) => `--testPathIgnorePatterns=${f}`)])))),
  await jest(ALONE),
];
const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const [passed, failed, skipped] = [sum("passed"), sum("failed"), sum("skipped")];
if (process.env.HERALD_TEST_TIMES === "1" && !args.length) {
  writeFileSync(new URL("./test-times.json", import.meta.url), `${JSON.stringify(Object.fromEntries(runs.flatMap((r) => Object.entries(r.times)).sort()), null, 0).replace(/,"/g, ',\n"')}\n`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(runs.every((r) => r.ok) && failed === 0 ? 0 : 1);
