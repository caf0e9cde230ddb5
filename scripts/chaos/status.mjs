// `herald status` in a clone, as a person would run it: the built CLI, talking to the clone's
// agent over its control socket.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const HERALD = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));

/** The text `herald status` prints in `dir` (its error text when it fails). */
export async function blockedReason(dir) {
  try {
    return (await execFileP(process.execPath, [HERALD, "status"], { cwd: dir, timeout: 30_000 })).stdout.trim();
  } catch (e) {
    return `herald status failed: ${String(e.stderr || e.message).trim()}`;
  }
}
