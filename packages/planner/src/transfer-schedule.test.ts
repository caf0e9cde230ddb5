import { describe, expect, test } from "@jest/globals";
import { minCostArborescence } from "./min-cost-arborescence.js";
import type { PlanGraph } from "./plan-graph.js";
import { planTransfers } from "./transfer-schedule.js";

describe("planTransfers", () => {
  const graph: PlanGraph = {
    nodes: ["me", "nas", "laptop", "cloud", "office"],
    edges: [["me", "cloud", 1000], ["me", "nas", 100], ["me", "laptop", 200], ["me", "laptop", 150], ["cloud", "office", 1000], ["nas", "laptop", 300]],
    root: "me",
  };
  const tree = minCostArborescence(graph);

  test("a node sends to its children only, cheapest edge first", () => {
    expect(planTransfers(tree, graph, "me")).toEqual([
      { from: "me", to: "nas", cost: 100 },
      { from: "me", to: "laptop", cost: 150 },
      { from: "me", to: "cloud", cost: 1000 },
    ]);
    expect(planTransfers(tree, graph, "cloud")).toEqual([{ from: "cloud", to: "office", cost: 1000 }]);
  });

  test("leaves and unknown nodes send nothing", () => {
    expect(planTransfers(tree, graph, "office")).toEqual([]);
    expect(planTransfers(tree, graph, "nobody")).toEqual([]);
  });
});
