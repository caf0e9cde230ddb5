// The `herald plan` boundary (interfaces.md): input `{"nodes": [ids], "edges": [[from, to, cost],
// ...], "root": id}` (other fields ignored) and the text rendering of the planned tree. Input
// comes from users' scripts, so every complaint names the exact spot, e.g.
// `edges[3][2]: cost must be a finite number >= 0`, on one line.
import { childrenIndex } from "./network-graph.js";
import { isValidCost, PlanInputError, type ArborescenceResult, type PlanGraph } from "./plan-graph.js";

const MAX_ID_IN_MESSAGE = 60;

/** Quotes an id for a one-line message: JSON escapes newlines; long ids are cut short. */
function quote(id: string): string {
  return JSON.stringify(id.length > MAX_ID_IN_MESSAGE ? `${id.slice(0, MAX_ID_IN_MESSAGE)}…` : id);
}

/** Ids with spaces, quotes, commas or control characters are shown JSON-quoted in text output. */
function show(id: string): string {
  return /^[^\s"\\,\x00-\x1f\x7f]+$/.test(id) ? id : JSON.stringify(id);
}

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Validates parsed JSON as a plan input; throws PlanInputError (code BAD_PLAN_INPUT). */
export function parsePlanInput(json: unknown): PlanGraph {
  if (kindOf(json) !== "object") {
    throw new PlanInputError("", `plan input must be a JSON object with nodes, edges and root, got ${kindOf(json)}`);
  }
  const input = json as Record<string, unknown>;

  if (!Array.isArray(input.nodes)) throw new PlanInputError("nodes", `must be an array of node ids, got ${kindOf(input.nodes)}`);
  const nodes: string[] = [];
  const known = new Set<string>();
  input.nodes.forEach((id: unknown, i) => {
    if (typeof id !== "string" || id === "") throw new PlanInputError(`nodes[${i}]`, "node id must be a non-empty string");
    if (known.has(id)) throw new PlanInputError(`nodes[${i}]`, `duplicate node id ${quote(id)}`);
    known.add(id);
    nodes.push(id);
  });

  const nodeRef = (value: unknown, path: string): string => {
    if (typeof value !== "string" || value === "") throw new PlanInputError(path, "node id must be a non-empty string");
    if (!known.has(value)) throw new PlanInputError(path, `unknown node ${quote(value)} (not in nodes)`);
    return value;
  };
  const root = nodeRef(input.root, "root");

  if (!Array.isArray(input.edges)) throw new PlanInputError("edges", `must be an array of [from, to, cost], got ${kindOf(input.edges)}`);
  const edges = input.edges.map((edge: unknown, i): [string, string, number] => {
    if (!Array.isArray(edge) || edge.length !== 3) throw new PlanInputError(`edges[${i}]`, "must be [from, to, cost]");
    const from = nodeRef(edge[0], `edges[${i}][0]`);
    const to = nodeRef(edge[1], `edges[${i}][1]`);
    const cost: unknown = edge[2];
    if (!isValidCost(cost)) throw new PlanInputError(`edges[${i}][2]`, "cost must be a finite number >= 0");
    return [from, to, cost];
  });
  return { nodes, edges, root };
}

/**
 * The tree as indented text, children cheapest first, each with the cost of its edge:
 *
 *     home
 *       laptop  (200)
 *       github  (1000)
 *         office  (1000)
 *     total cost 2200
 *     unreachable: attic
 */
export function formatPlanText(result: ArborescenceResult, graph: PlanGraph): string {
  const children = childrenIndex(result, graph);
  const lines: string[] = [];
  // Depth-first with an explicit stack (a 50,000-node chain must not overflow the call stack).
  const stack: Array<{ node: string; cost: number | null; depth: number }> = [{ node: graph.root, cost: null, depth: 0 }];
  while (stack.length > 0) {
    const { node, cost, depth } = stack.pop()!;
    lines.push(`${"  ".repeat(depth)}${show(node)}${cost === null ? "" : `  (${cost})`}`);
    const kids = children.get(node) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ ...kids[i]!, depth: depth + 1 });
  }
  lines.push(`total cost ${result.cost}`);
  if (result.unreachable.length > 0) lines.push(`unreachable: ${result.unreachable.map(show).join(", ")}`);
  return `${lines.join("\n")}\n`;
}
