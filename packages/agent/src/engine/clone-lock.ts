// One Herald per clone: .git/herald/agent.pid names the process serving it (a single-clone agent
// or the daemon). A second one is refused with the way out; a stale file of a dead process is
// taken over.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HeraldError } from "../errors.js";
import { pidAlive } from "../pid-alive.js";

export class CloneLock {
  readonly file: string;
  constructor(heraldDir: string, private readonly repoDir: string) {
    this.file = join(heraldDir, "agent.pid");
  }

  async take(): Promise<void> {
    const old = Number((await readFile(this.file, "utf8").catch(() => "")).trim());
    if (old && old !== process.pid && pidAlive(old)) {
      throw new HeraldError("AGENT_RUNNING", `an agent is already running for ${this.repoDir} (pid ${old}); stop it with: herald stop`, { pid: old });
    }
    await writeFile(this.file, `${process.pid}\n`);
  }

  async release(): Promise<void> {
    // Only our own: a clone handed to another process meanwhile keeps its lock.
    const held = Number((await readFile(this.file, "utf8").catch(() => "")).trim());
    if (held === process.pid) await rm(this.file, { force: true });
  }
}
