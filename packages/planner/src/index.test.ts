import { describe, expect, test } from "@jest/globals";
import * as planner from "./index.js";

describe("@herald/planner entry point", () => {
  test("plans the documented `herald plan` input end to end", () => {
    const graph = planner.parsePlanInput(JSON.parse('{"nodes":["a","b","c"],"edges":[["a","b",1],["b","c",1],["a","c",5]],"root":"a"}'));
    expect(JSON.parse(JSON.stringify(planner.minCostArborescence(graph)))).toEqual({ parent: { b: "a", c: "b" }, cost: 2, unreachable: [] });
  });

  test("exports no clock-reading code", () => {
    expect(Object.keys(planner)).not.toContain("benchPlanner");
  });
});
