// <map/>: one node's view of the transfer graph, for the planner's min-cost arborescence.
//
// Passive nodes (a bare repo on a USB disk or a server, with no agent) cannot advertise, so an
// agent that has one as a remote advertises on its behalf: an advert with passive=true, node = the
// passive node, by = the publishing agent. Its edges are where the passive node's commits can flow
// (normally just to `by`, which fetches from it). Keep the newest advert per (node, by ?? node).
import xml, { type Element } from "@xmpp/xml";
import { formatDateTime, isTimestamp } from "./datetime.js";
import { type ElementLike, localName, namespaceOf } from "./element.js";
import { checkAttributes, checkEmpty, elementChildren, openEnvelope, readAttr, readSeq, readTime, requireAttr } from "./element-reader.js";
import { InvalidFieldError, MissingFieldError, PayloadTooLargeError, printable, UnexpectedContentError } from "./errors.js";
import { NS_HERALD, PROTOCOL_VERSION } from "./namespace.js";
import { assertNodeId, assertRepoId, assertSeq, MAX_ID_LENGTH } from "./validate.js";

export interface MapEdge {
  /** Node the advertised node's commits can reach directly. */
  to: string;
  /** Transfer cost (like annex-cost): finite, >= 0, lower is preferred. */
  cost: number;
  /** Whether `to` is reachable right now. */
  online: boolean;
}

export interface NetworkMapAdvert {
  repo: string;
  /** The node whose outgoing edges these are. */
  node: string;
  /** Publisher's per-node counter; a higher seq replaces an older advert. */
  seq: number;
  /** Publisher's clock, ms since the epoch. */
  time: number;
  edges: MapEdge[];
  /** True when `node` has no agent and `by` advertises for it. Omitted (never false) when decoded. */
  passive?: boolean;
  /** The advertising agent's node id; present exactly when `passive` is true. */
  by?: string;
}

export const MAX_EDGES = 256;
/** Bound on a serialized <map/>; 256 edges of the longest ids and costs stay under 40 KiB. */
export const MAX_MAP_BYTES = 65536;
/** Longest cost text: String(Number.MAX_VALUE) is 23 characters. */
const MAX_COST_LENGTH = 32;

const MAP_ATTRIBUTES = ["version", "repo", "node", "seq", "time", "passive", "by"] as const;
const EDGE_ATTRIBUTES = ["to", "cost", "online"] as const;

function checkAdvert(m: NetworkMapAdvert): void {
  if (typeof m !== "object" || m === null) throw new InvalidFieldError("map", "must be an object");
  assertRepoId(m.repo, "map.repo");
  assertNodeId(m.node, "map.node");
  assertSeq(m.seq, "map.seq");
  if (!isTimestamp(m.time)) throw new InvalidFieldError("map.time", "must be integer ms from 1970 to 9999");
  if (m.passive !== undefined && typeof m.passive !== "boolean") throw new InvalidFieldError("map.passive", "must be a boolean");
  if (m.passive === true) {
    if (m.by === undefined) throw new MissingFieldError("map.by");
    assertNodeId(m.by, "map.by");
    if (m.by === m.node) throw new InvalidFieldError("map.by", "must differ from map.node: a passive node has no agent");
  } else if (m.by !== undefined) throw new InvalidFieldError("map.by", 'only allowed with passive="true"');
  if (!Array.isArray(m.edges)) throw new InvalidFieldError("map.edge", "must be an array");
  if (m.edges.length > MAX_EDGES) throw new PayloadTooLargeError("map.edge", MAX_EDGES, "edges");
  const seen = new Map<string, number>();
  m.edges.forEach((edge, i) => {
    const path = `map.edge[${i}]`;
    if (typeof edge !== "object" || edge === null) throw new InvalidFieldError(path, "must be an object");
    assertNodeId(edge.to, `${path}.to`);
    if (edge.to === m.node) throw new InvalidFieldError(`${path}.to`, "must not be map.node (self loop)");
    const earlier = seen.get(edge.to);
    if (earlier !== undefined) throw new InvalidFieldError(`${path}.to`, `duplicates map.edge[${earlier}].to`);
    seen.set(edge.to, i);
    if (typeof edge.cost !== "number" || !Number.isFinite(edge.cost) || edge.cost < 0) {
      throw new InvalidFieldError(`${path}.cost`, "must be a finite number >= 0");
    }
    if (typeof edge.online !== "boolean") throw new InvalidFieldError(`${path}.online`, "must be a boolean");
  });
}

/** `<map xmlns="urn:herald:0" version="1" …><edge …/>…</map>`; throws a ProtocolError on invalid input. */
export function networkMapToElement(m: NetworkMapAdvert): Element {
  checkAdvert(m);
  const passive = m.passive === true ? { passive: "true", by: m.by } : {};
  const edges = m.edges.map((e) => xml("edge", { to: e.to, cost: String(e.cost), online: String(e.online) }));
  const attrs = { xmlns: NS_HERALD, version: String(PROTOCOL_VERSION), repo: m.repo, node: m.node, seq: String(m.seq), time: formatDateTime(m.time), ...passive };
  return xml("map", attrs, ...edges);
}

/** Strict decoder: throws a ProtocolError naming the first bad field. See decodePayload for a total one. */
export function networkMapFromElement(el: Element): NetworkMapAdvert {
  const e = openEnvelope(el, "map", MAX_MAP_BYTES);
  checkAttributes(e, "map", MAP_ATTRIBUTES);
  const head = {
    repo: requireAttr(e, "map", "repo", MAX_ID_LENGTH),
    node: requireAttr(e, "map", "node", MAX_ID_LENGTH),
    seq: readSeq(e, "map"),
    time: readTime(e, "map"),
  };
  const passive = readBoolean(e, "map", "passive", false);
  const by = readAttr(e, "map", "by", MAX_ID_LENGTH);
  const children = elementChildren(e, "map");
  if (children.length > MAX_EDGES) throw new PayloadTooLargeError("map.edge", MAX_EDGES, "edges");
  const edges = children.map((child, i) => readEdge(child, e, `map.edge[${i}]`));
  const m: NetworkMapAdvert = { ...head, edges, ...(passive ? { passive: true } : {}), ...(by === undefined ? {} : { by }) };
  checkAdvert(m);
  return m;
}

function readEdge(child: ElementLike, map: ElementLike, path: string): MapEdge {
  if (localName(child) !== "edge" || namespaceOf(child, map) !== NS_HERALD) {
    throw new UnexpectedContentError("map", `<${printable(localName(child))}>`);
  }
  checkAttributes(child, path, EDGE_ATTRIBUTES);
  checkEmpty(child, path);
  return { to: requireAttr(child, path, "to", MAX_ID_LENGTH), cost: readCost(child, path), online: readBoolean(child, path, "online", true) };
}

/** cost="…": what String(number) prints for a finite number >= 0 (decimal, maybe an exponent). */
function readCost(el: ElementLike, path: string): number {
  const text = requireAttr(el, path, "cost", MAX_COST_LENGTH);
  const cost = Number(text);
  if (!/^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?$/.test(text) || !Number.isFinite(cost)) {
    throw new InvalidFieldError(`${path}.cost`, "must be a finite decimal number >= 0");
  }
  return cost;
}

function readBoolean(el: ElementLike, path: string, key: string, required: boolean): boolean {
  const text = required ? requireAttr(el, path, key, 5) : (readAttr(el, path, key, 5) ?? "false");
  if (text !== "true" && text !== "false") throw new InvalidFieldError(`${path}.${key}`, 'must be "true" or "false"');
  return text === "true";
}
