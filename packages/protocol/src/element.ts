// Read-only access to untrusted, element-shaped values. Decoding must be total (style.md
// convention 8), so nothing here trusts the input's class, prototype or parent chain.

/**
 * The parts of an ltx Element that decoding reads. Matched by shape, not `instanceof`: `ltx`
 * and `@xmpp/xml` load different copies of the Element class (src/ vs lib/).
 */
export interface ElementLike {
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly children: readonly unknown[];
  readonly parent?: unknown;
}

/** Ancestors followed when resolving a namespace; real payloads sit 3-4 levels deep. */
const MAX_NAMESPACE_DEPTH = 32;

export function isElementLike(value: unknown): value is ElementLike {
  if (typeof value !== "object" || value === null) return false;
  const { name, attrs, children } = value as Record<string, unknown>;
  return typeof name === "string" && typeof attrs === "object" && attrs !== null && Array.isArray(children);
}

/** An attribute set on the element itself; never one inherited from Object.prototype. */
export function ownAttr(el: ElementLike, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(el.attrs, key) ? el.attrs[key] : undefined;
}

/** The element's name without its prefix (`h:announce` → `announce`). */
export function localName(el: ElementLike): string {
  const i = el.name.indexOf(":");
  return i >= 0 ? el.name.slice(i + 1) : el.name;
}

/**
 * The element's namespace per Namespaces in XML 1.0 §6: its own `xmlns` / `xmlns:prefix`
 * declaration, else the nearest ancestor's. `parent` lets a caller that walked down from a
 * known element supply it instead of trusting `el.parent`. Empty string means no namespace.
 */
export function namespaceOf(el: ElementLike, parent: unknown = el.parent): string | undefined {
  const i = el.name.indexOf(":");
  const key = i >= 0 ? `xmlns:${el.name.slice(0, i)}` : "xmlns";
  let current: unknown = el;
  for (let depth = 0; depth < MAX_NAMESPACE_DEPTH && isElementLike(current); depth++) {
    const declared = ownAttr(current, key);
    if (typeof declared === "string") return declared;
    current = depth === 0 ? parent : current.parent;
  }
  return undefined;
}
