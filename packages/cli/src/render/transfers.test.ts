import type { TransferRecord } from "@herald/agent";
import { renderTransfers } from "./transfers.js";

const rec = (over: Partial<TransferRecord>): TransferRecord => ({
  id: "x", key: "SHA256E-s52428800--ab.bin", path: "big.bin", direction: "to", remote: "cloud", cost: 200, state: "queued",
  bytes: 0, total: null, rate: null, startedAt: null, endedAt: null, attempts: 0, nextTry: null, error: null, ...over,
});

describe("herald transfers as text", () => {
  it("shows a running transfer's bytes, rate and time left, and when a failed one tries again", () => {
    const text = renderTransfers([{ repo: "/r", annexed: true, transfers: [
      rec({ state: "failed", direction: "from", error: "cloud does not have it yet", attempts: 2, nextTry: 4000 }),
      rec({ state: "running", bytes: 10 << 20, total: 50 << 20, rate: 5 << 20 }),
    ] }, { repo: "/plain", annexed: false }], 1000);
    expect(text.split("\n")).toEqual([
      "/r: 2 transfers",
      "  running  to cloud: big.bin (SHA256E-s52428800--ab.bin) 10 MiB of 50 MiB, 5.0 MiB/s, 8 s left",
      "  failed   from cloud: big.bin (SHA256E-s52428800--ab.bin): cloud does not have it yet (attempt 2, next try in 3 s)",
      "/plain: not a git-annex repository",
    ]);
  });
});
