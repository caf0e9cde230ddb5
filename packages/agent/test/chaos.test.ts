// The CI version of npm run chaos (scripts/chaos.mjs --quick): five clones in a ring, announcements
// alone (ref watching off), 12 s of edits while every fault kind is injected at least once, then
// the invariants, and the slixmpp hostile-input suite. The run is a child process (it SIGKILLs
// agents, restarts Prosody, mounts a tmpfs) and runs the built packages, so they are built first.
import { prosodyInstalled } from "@herald/testkit";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const KINDS = ["kill", "kill-checkout", "prosody-restart", "prosody-wipe", "unreachable", "disk-full", "clock-skew", "uncommitted"];
const SEED = 16;

// About a minute of both cores. It joined the suite after twenty quick seeds in a row (101-120,
// 2026-11-30) lost nothing and converged every time; the two that the harness first failed
// (102, 107) had only seen a record of a peer's branch move within what HEAD held (a push
// retried after its backoff), which the hostile check now reads as the agents' bookkeeping.

describe("chaos (quick)", () => {
  let dir = "";
  let child: ChildProcess | undefined;
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tsc -b failed:\n${r.stdout}${r.stderr}`);
  }, 120_000);
  afterAll(async () => {
    // A run cut short by the test's timeout: SIGTERM makes chaos.mjs stop its agents and Prosody.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it(`loses nothing under every fault kind, and shrugs off hostile input (seed ${SEED})`, async () => {
    if (!(await prosodyInstalled())) {
      console.log("chaos test skipped: prosody is not installed (scripts/test.sh installs it)");
      return;
    }
    dir = await mkdtemp(join(tmpdir(), "herald-chaos-"));
    const out = join(dir, "chaos.json");
    child = spawn(process.execPath, [join(ROOT, "scripts", "chaos.mjs"), "--quick", "--seed", String(SEED), "--out", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((r) => child!.once("exit", r));
    const report = JSON.parse(await readFile(out, "utf8").catch(() => "null")) as { passed: boolean; options: { hostileCount: number }; cases: Array<Record<string, any>> } | null;
    if (code !== 0 || !report?.passed) {
      // The failed case's agent records (case.mjs writes them beside --out): warnings and the end.
      const records = (await readFile(join(dir, "chaos-ring5-agents.jsonl"), "utf8").catch(() => "")).split("\n");
      const worth = records.filter((l) => /"level":"(warn|error)"/.test(l)).slice(-150).concat(["-- last records --"], records.slice(-150));
      const refs = await readFile(join(dir, "chaos-ring5-refs.txt"), "utf8").catch(() => "(no refs.txt)");
      console.log(`${text}\n${worth.join("\n")}\n-- the clones' refs and history --\n${refs}`);
    }
    expect(report).not.toBeNull();
    const c = report!.cases[0]!;
    for (const kind of KINDS) {
      const skipped = c.faultLog.find((e: { kind: string; skipped?: string }) => e.kind === kind && e.skipped);
      if (skipped) console.log(`chaos: fault ${kind} skipped here: ${skipped.skipped}`);
      else expect(`${kind}: ${c.faults[kind] ?? 0}`).not.toBe(`${kind}: 0`);
    }
    expect({ lost: c.lost, heads: c.heads, markers: c.commitsWithMarkers, sidesDropped: c.sidesDropped, midMerge: c.midMerge, stray: c.strayChanges, wipChanged: c.wipChanged, quiet: c.quiet, dead: c.agentsDead })
      .toEqual({ lost: 0, heads: 1, markers: 0, sidesDropped: 0, midMerge: 0, stray: 0, wipChanged: 0, quiet: true, dead: 0 });
    expect(c.commits).toBeGreaterThan(20);
    expect(c.uncommitted.sharedIntact).toBe(true);
    // What herald status said on that clone (blocked-status.test.ts asserts the reason itself:
    // here the moment depends on when the clone last tried the merge).
    console.log(`chaos: herald status on the clone holding an uncommitted edit:\n${c.uncommitted.status}`);
    if (c.hostile.skipped) console.log(`chaos: hostile input skipped: ${c.hostile.skipped}`);
    else {
      expect(c.hostile.published).toBeGreaterThan(report!.options.hostileCount); // more than one account's worth
      expect({ unchanged: c.hostile.reposUnchanged, ran: c.hostile.canaryCreated, obeyed: c.hostile.chatCommandsObeyed, errors: c.hostile.clientErrors, arrived: c.hostile.nextCommitArrived })
        .toEqual({ unchanged: true, ran: false, obeyed: 0, errors: [], arrived: true });
    }
    expect(code).toBe(0);
  }, 240_000);
});
