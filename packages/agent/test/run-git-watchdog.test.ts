// runGit's watchdog (git/network-policy.ts): a command that prints nothing for `idleMs` is killed
// with everything it started (its process group: ssh, in real use); one that keeps printing runs
// as long as it needs. git runs a shell alias here, standing in for a transfer.
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
    // Gone, or dead and not yet reaped (its parent, git, was killed too).
    const state = async () => (await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "gone")).replace(/^.*\) (\S).*$/s, "$1");
    for (let i = 0; i < 20 && !["gone", "Z"].includes(await state()); i++) await new Promise((res) => setTimeout(res, 100));
    expect(["gone", "Z"]).toContain(await state());
  });

  it("asks before the kill whether the command moves after all (its ssh's bytes): while it does, the wait starts again", async () => {
    let asked = 0;
    const t0 = Date.now();
    const r = await runGit(dir, ["-c", "alias.hang=!sleep 30", "hang"], { idleMs: 300, moving: async (pgid) => { expect(pgid).toBeGreaterThan(1); asked++; return Date.now() - t0 < 1500; } });
    expect(r).toEqual(expect.objectContaining({ code: -1, idle: true }));
    expect(asked).toBeGreaterThanOrEqual(5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("lets a command that keeps printing run past idleMs", async () => {
    const r = await runGit(dir, ["-c", "alias.slow=!for i in 1 2 3 4 5 6; do echo step >&2; sleep 0.3; done; echo done", "slow"], { idleMs: 1000 });
    expect(r).toEqual({ code: 0, stdout: "done\n", stderr: "step\n".repeat(6) });
  });
});
