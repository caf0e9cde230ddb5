#!/usr/bin/env node
// Runs jest (ESM mode) and ends with one line CI reads: "N passed, N failed[, N skipped]".
// Jest's own summary goes to stderr and is not parsed by CI.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "herald-jest-"));
const out = join(dir, "results.json");
// --forceExit: a leaked handle (a child process a failed test did not stop) must not hang CI.
const args = ["node_modules/jest/bin/jest.js", "--json", `--outputFile=${out}`, "--forceExit", ...process.argv.slice(2)];
// The tests' Herald keeps its list, settings, API key, socket and log in a home of the run's own:
// a test that forgets to set XDG_* then neither reads nor writes the user's real ones (nor talks
// to a daemon the user runs).
const xdg = { XDG_CONFIG_HOME: join(dir, "config"), XDG_RUNTIME_DIR: join(dir, "run"), XDG_STATE_HOME: join(dir, "state") };
mkdirSync(xdg.XDG_RUNTIME_DIR, { mode: 0o700 });
const env = { ...process.env, ...xdg, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() };
const res = spawnSync(process.execPath, args, { stdio: "inherit", env });
let passed = 0, failed = 0, skipped = 0, suitesFailed = 0;
try {
  const r = JSON.parse(readFileSync(out, "utf8"));
  passed = r.numPassedTests; failed = r.numFailedTests; skipped = r.numPendingTests + (r.numTodoTests ?? 0);
  suitesFailed = r.numFailedTestSuites;
} catch {
  failed = Math.max(1, failed); // jest crashed before writing results
}
rmSync(dir, { recursive: true, force: true });
// A suite that fails to load counts as a failure even if it reported no tests.
if (suitesFailed > 0 && failed === 0) failed = suitesFailed;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
