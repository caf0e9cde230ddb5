// Pure: the content figures of `herald status` from the transfer records: per remote, the keys
// wanted there and not there yet (a transfer queued, running, paused or failing) and the bytes
// still to move, the size from git-annex's progress or else from the key's -s field.
import type { ContentStatus } from "../status.js";
import { keySize } from "./keys.js";
import type { TransferRecord } from "./transfer-records.js";

const OPEN = new Set(["queued", "running", "paused", "failed"]);

export function contentStatus(records: TransferRecord[], waiting: number, paused: boolean): ContentStatus {
  const open = records.filter((r) => OPEN.has(r.state));
  const remotes: ContentStatus["remotes"] = {};
  let bytes = 0;
  for (const r of open) {
    const left = Math.max(0, (r.total ?? keySize(r.key) ?? 0) - r.bytes);
    bytes += left;
    const x = (remotes[r.remote] ??= { keys: 0, bytes: 0 });
    x.keys++;
    x.bytes += left;
  }
  return {
    keys: new Set(open.map((r) => r.key)).size, bytes, remotes,
    running: open.filter((r) => r.state === "running").length,
    failing: open.filter((r) => r.state === "failed").length,
    waiting, paused,
  };
}
