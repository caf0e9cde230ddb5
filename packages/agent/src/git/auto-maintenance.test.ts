import { jest } from "@jest/globals";
import { AutoMaintenance } from "./auto-maintenance.js";

describe("AutoMaintenance", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("runs git's upkeep once after a burst of fetches, when the clone has been quiet for a while", () => {
    let runs = 0;
    const m = new AutoMaintenance(async () => { runs++; }, 1000);
    for (let i = 0; i < 20; i++) { m.fetched(); jest.advanceTimersByTime(300); }
    expect(runs).toBe(0); // fetches 300 ms apart: still busy
    jest.advanceTimersByTime(1000);
    expect(runs).toBe(1);
    jest.advanceTimersByTime(60_000);
    expect(runs).toBe(1); // nothing fetched since: nothing more (no polling)
  });

  it("runs nothing after stop", () => {
    let runs = 0;
    const m = new AutoMaintenance(async () => { runs++; }, 1000);
    m.fetched();
    m.stop();
    m.fetched();
    jest.advanceTimersByTime(5000);
    expect(runs).toBe(0);
  });
});
