// `herald map`: every link of the network, with the planned tree's links highlighted, as text,
// Graphviz DOT, Mermaid or JSON. Parallel links are shown once (the cheapest), self loops never.
import { cheapestEdgeCosts, compareIds, type ArborescenceResult, type NetworkGraph } from "./plan-graph.js";

export type MapFormat = "text" | "dot" | "mermaid" | "json";

interface Link {
  from: string;
  to: string;
  cost: number;
  tree: boolean; // the planned tree sends along this link
  usable: boolean; // false when it leaves a node the root cannot reach
}

export function renderMap(graph: NetworkGraph & { root?: string }, result: ArborescenceResult, format: MapFormat): string {
  const unreachable = new Set(result.unreachable);
  const links: Link[] = [];
  for (const [from, out] of cheapestEdgeCosts(graph.edges)) {
    for (const [to, cost] of out) {
      const tree = Object.hasOwn(result.parent, to) && result.parent[to] === from;
      links.push({ from, to, cost, tree, usable: !unreachable.has(from) });
    }
  }
  links.sort((a, b) => compareIds(a.from, b.from) || compareIds(a.to, b.to));
  const nodes = [...new Set([...graph.nodes, ...links.flatMap((l) => [l.from, l.to])])].sort(compareIds);
  switch (format) {
    case "text":
      return renderText(nodes, links, graph.root, result);
    case "dot":
      return renderDot(nodes, links, graph.root, unreachable);
    case "mermaid":
      return renderMermaid(nodes, links, graph.root, unreachable);
    case "json":
      return `${JSON.stringify({ root: graph.root ?? null, nodes, links, cost: result.cost, unreachable: result.unreachable }, null, 2)}\n`;
  }
}

function renderText(nodes: string[], links: Link[], root: string | undefined, result: ArborescenceResult): string {
  const lines = [`${nodes.length} nodes, ${links.length} links${root === undefined ? "" : `, root ${root}`}`];
  lines.push("links (=> planned, -> spare, ~> unusable):");
  for (const l of links) lines.push(`  ${l.from} ${l.tree ? "=>" : l.usable ? "->" : "~>"} ${l.to}  (${l.cost})`);
  lines.push(`total cost ${result.cost}`);
  if (result.unreachable.length > 0) lines.push(`unreachable: ${result.unreachable.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** A DOT quoted string (Graphviz "ID" grammar): backslashes and quotes escaped, no raw newlines. */
function dotId(id: string): string {
  return `"${id.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n|\r/g, "\\n")}"`;
}

function renderDot(nodes: string[], links: Link[], root: string | undefined, unreachable: Set<string>): string {
  const lines = ["digraph herald {", "  rankdir=LR;", "  node [shape=box];"];
  for (const n of nodes) {
    const attrs = n === root ? " [shape=doubleoctagon]" : unreachable.has(n) ? " [style=dashed, color=gray]" : "";
    lines.push(`  ${dotId(n)}${attrs};`);
  }
  for (const l of links) {
    const style = l.tree ? 'penwidth=2.5, color="#1f6feb"' : l.usable ? "color=gray" : "color=gray, style=dotted";
    lines.push(`  ${dotId(l.from)} -> ${dotId(l.to)} [label="${l.cost}", ${style}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * Mermaid ids must be plain words (and "end" is a keyword), so each node gets `n_` plus its id
 * with other characters replaced by "_", made unique with a counter; the label keeps the real
 * id, with `"` written as Mermaid's `#quot;`.
 */
function mermaidIds(nodes: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const n of nodes) {
    const base = `n_${n.replace(/[^A-Za-z0-9]/g, "_")}`;
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
    used.add(id);
    ids.set(n, id);
  }
  return ids;
}

function renderMermaid(nodes: string[], links: Link[], root: string | undefined, unreachable: Set<string>): string {
  const ids = mermaidIds(nodes);
  const label = (n: string) => `"${n.replace(/"/g, "#quot;").replace(/\r?\n|\r/g, " ")}"`;
  const lines = ["graph LR"];
  for (const n of nodes) {
    const shape = n === root ? `(((${label(n)})))` : `[${label(n)}]`;
    lines.push(`  ${ids.get(n)}${shape}${unreachable.has(n) ? ":::unreachable" : ""}`);
  }
  for (const l of links) {
    const arrow = l.tree ? "==>" : l.usable ? "-->" : "-.->";
    lines.push(`  ${ids.get(l.from)} ${arrow}|${l.cost}| ${ids.get(l.to)}`);
  }
  lines.push("  classDef unreachable stroke-dasharray: 5 5");
  return `${lines.join("\n")}\n`;
}
