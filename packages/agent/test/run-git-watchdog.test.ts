// runGit's watchdog (git/network-policy.ts): a command that prints nothing for `idleMs` is killed
// with everything it started (its process group: ssh, in real use); one that keeps printing runs
// as long as it needs. git runs a shell alias here, standing in for a transfer.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGit } from "../src/git/run-git.js";

describe("runGit's watchdog", () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "herald-watchdog-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it("kills a command that prints nothing for idleMs, and what it started", async () => {
    const t0 = Date.now();
    const r = await runGit(dir, ["-c", `alias.hang=!sh -c 'echo $$ > ${dir}/pid; sleep 30'`, "hang"], { idleMs: 500 });
    expect(r).toEqual(expect.objectContaining({ code: -1, idle: true }));
    expect(Date.now() - t0).toBeLessThan(3000);
    const pid = (await readFile(join(dir, "pid"), "utf8")).trim();
    await new Promise((res) => setTimeout(res, 200));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it("lets a command that keeps printing run past idleMs", async () => {
    const r = await runGit(dir, ["-c", "alias.slow=!for i in 1 2 3 4 5 6; do echo step >&2; sleep 0.3; done; echo done", "slow"], { idleMs: 1000 });
    expect(r).toEqual({ code: 0, stdout: "done\n", stderr: "step\n".repeat(6) });
  });
});
