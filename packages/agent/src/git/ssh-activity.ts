// Whether ssh is still moving bytes for a command that has gone quiet. The last part of a push
// travels with no word from git: once git has handed the pack to ssh, up to ssh's channel window
// (2 MB) and the socket buffers drain at the link's rate; on a slow link that is longer than
// herald.networkTimeout, and a push that was landing would be killed and sent again, forever.
// ssh's own counters say what git does not: the bytes its processes (the ones in the command's
// process group, and the host's master) read and wrote (/proc/<pid>/io). Read only when the
// watchdog is about to fire: no polling.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

/** Less than this since the last look is not movement: ssh's keep-alive probes (ServerAlive,
 * a few hundred bytes each 5 s) go out on a dead link too. */
export const MOVING_BYTES = 16 << 10;

async function ioBytes(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, "utf8").catch(() => "");
  const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, "m").exec(io)?.[1] ?? 0);
  return field("rchar") + field("wchar");
}

/** The ssh processes in process group `pgid` (the command's own connection, or its mux client). */
async function sshInGroup(pgid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const close = stat.lastIndexOf(")");
    if (close < 0 || stat.slice(stat.indexOf("(") + 1, close) !== "ssh") continue;
    if (Number(stat.slice(close + 2).split(" ")[2]) === pgid) out.push(Number(name));
  }
  return out;
}

/** The pid of the master listening on `socket` (null: none answers). */
export function masterPid(socket: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile("ssh", ["-F", "none", "-o", `ControlPath=${socket}`, "-O", "check", "herald-master"], { timeout: 2_000 }, (_e, _out, err) => {
      const m = /pid=(\d+)/.exec(String(err));
      resolve(m ? Number(m[1]) : null);
    });
  });
}

/** A tracker for one command: each call says whether its ssh moved MOVING_BYTES since the last
 * call (the first only takes note). */
export function sshMovement(master: () => Promise<number | null>): (pgid: number) => Promise<boolean> {
  let last: number | null = null;
  return async (pgid) => {
    const pids = await sshInGroup(pgid);
    const m = await master();
    if (m !== null) pids.push(m);
    const now = (await Promise.all(pids.map(ioBytes))).reduce((a, b) => a + b, 0);
    const moved = last !== null && now - last >= MOVING_BYTES;
    last = now;
    return moved;
  };
}
