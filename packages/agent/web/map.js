// The network map, laid out by dagre (through cytoscape), never placed by hand: nodes, links
// with their costs, the planned tree bold and blue, offline links dashed.
let cy = null;

export function renderMap(container, map) {
  if (typeof cytoscapeDagre !== "undefined" && !cytoscape.prototype.hasDagre) {
    cytoscape.use(cytoscapeDagre);
    cytoscape.prototype.hasDagre = true;
  }
  const elements = [
    ...map.nodes.map((n) => ({ data: { id: `n:${n}`, label: n }, classes: [n === map.self ? "self" : "", map.unreachable.includes(n) ? "unreachable" : ""].join(" ") })),
    ...map.links.map((l) => ({
      data: { id: `e:${l.from}>${l.to}`, source: `n:${l.from}`, target: `n:${l.to}`, label: String(l.cost) },
      classes: [l.tree ? "tree" : "", l.online ? "" : "offline"].join(" "),
    })),
  ];
  cy?.destroy();
  cy = cytoscape({
    container,
    elements,
    userZoomingEnabled: false,
    maxZoom: 1.3, // two nodes would otherwise fill the panel
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": "#8c959f", color: "#1f2328", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22 } },
      { selector: "node.self", style: { "background-color": "#0969da", "border-width": 3, "border-color": "#0550ae" } },
      { selector: "node.unreachable", style: { "background-color": "#fff", "border-width": 1, "border-style": "dashed", "border-color": "#8c959f" } },
      { selector: "edge", style: { label: "data(label)", "curve-style": "bezier", "target-arrow-shape": "triangle", width: 1, "line-color": "#8c959f", "target-arrow-color": "#8c959f", "font-size": 10, "text-background-color": "#fff", "text-background-opacity": 1 } },
      { selector: "edge.tree", style: { width: 3, "line-color": "#0969da", "target-arrow-color": "#0969da" } },
      { selector: "edge.offline", style: { "line-style": "dashed" } },
    ],
    layout: { name: typeof cytoscapeDagre !== "undefined" ? "dagre" : "breadthfirst", rankDir: "LR", nodeSep: 40, rankSep: 90, padding: 20 },
  });
  container.dataset.nodes = String(map.nodes.length);
  container.dataset.links = String(map.links.length);
}
