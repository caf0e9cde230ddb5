import { describe, expect, test } from "@jest/globals";
import { benchPlanner } from "./bench.js";

describe("benchPlanner", () => {
  test("reports one row per size with the generated edge count (no timing assertions)", () => {
    const rows = benchPlanner([200, 500], 4, 3);
    expect(rows.map((r) => [r.nodes, r.edges])).toEqual([[200, 800], [500, 2000]]);
    for (const r of rows) expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
  });
});
