import { contentText } from "../status.js";
import { contentStatus } from "./content-status.js";
import type { TransferRecord } from "./transfer-records.js";

const rec = (over: Partial<TransferRecord>): TransferRecord => ({
  id: "x", key: "SHA256E-s4194304--ab.bin", path: "a.bin", direction: "to", remote: "cloud", cost: 200, state: "queued",
  bytes: 0, total: null, rate: null, startedAt: null, endedAt: null, attempts: 0, nextTry: null, error: null, ...over,
});

describe("content status", () => {
  it("counts what is still to move per remote, not what is done or cancelled", () => {
    const s = contentStatus([
      rec({ state: "running", bytes: 1 << 20, total: 4 << 20 }),
      rec({ remote: "b", state: "failed" }),
      rec({ remote: "b", key: "SHA256E-s1--c.bin", state: "done" }),
      rec({ remote: "usb", key: "SHA256E-s9--d.bin", state: "cancelled" }),
    ], 1, false);
    expect(s).toEqual({ keys: 1, bytes: (3 << 20) + (4 << 20), remotes: { cloud: { keys: 1, bytes: 3 << 20 }, b: { keys: 1, bytes: 4 << 20 } }, running: 1, failing: 1, waiting: 1, paused: false });
    expect(contentText(s)).toBe("content: 1 key, 7.0 MiB to move (cloud 1, b 1); 1 running; 1 failing (herald transfers); 1 awaited here");
    expect(contentText(contentStatus([], 0, true))).toBe("content: all transferred (transfers PAUSED)");
  });
});
