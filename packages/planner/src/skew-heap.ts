// A pool of mergeable min-heaps (skew heaps, Sleator & Tarjan 1986) with a lazy "add to every
// key" operation. This is the mergeable-heap ingredient of Tarjan's optimum-branching algorithm
// (Tarjan 1977; Gabow, Galil, Spencer & Tarjan 1986): when a cycle is contracted, the heaps of its
// members are melded and every key is shifted at once, in O(1), by the lazy `add`.
//
// Heap nodes are integers 0..capacity-1 stored in typed arrays, so 500,000 entries cost a few MB
// and no objects. A heap is named by its root node; -1 is the empty heap.
// `merge` walks the right spines in a loop, not by recursion: a skew heap's right spine is short
// only amortized, and one long spine must not blow the stack.
//
// Equal keys are ordered by node number (lower first), which makes the planner's tie-breaking a
// property of how it numbers edges, not of heap shape.

export class SkewHeapPool {
  readonly key: Float64Array;
  private readonly lazy: Float64Array; // pending addition for this node's key and its subtree
  private readonly left: Int32Array;
  private readonly right: Int32Array;

  constructor(capacity: number) {
    this.key = new Float64Array(capacity);
    this.lazy = new Float64Array(capacity);
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity).fill(-1);
  }

  /** Makes node `i` a one-element heap with the given key; returns it. */
  singleton(i: number, key: number): number {
    this.key[i] = key;
    this.lazy[i] = 0;
    this.left[i] = -1;
    this.right[i] = -1;
    return i;
  }

  /**
   * One heap of the nodes `items[start..end)`, which must be sorted by (key, node number): a chain
   * of left children, heap-ordered, with no right-heavy node (zero potential in Sleator & Tarjan's
   * analysis, so the amortized bounds hold). O(k), where k singleton merges cost O(k log k).
   */
  chain(items: Int32Array, start: number, end: number, keys: Float64Array): number {
    for (let i = start; i < end; i++) {
      const node = items[i]!;
      this.key[node] = keys[node]!;
      this.lazy[node] = 0;
      this.left[node] = i + 1 < end ? items[i + 1]! : -1;
      this.right[node] = -1;
    }
    return start < end ? items[start]! : -1;
  }

  /** The minimum key of heap `h` (which must be non-empty). */
  minKey(h: number): number {
    this.settle(h);
    return this.key[h]!;
  }

  /** Adds `d` to every key of heap `h` in O(1). */
  addAll(h: number, d: number): void {
    if (h >= 0) this.lazy[h]! += d;
  }

  /** Removes the root of heap `h`; returns the remaining heap. */
  pop(h: number): number {
    this.settle(h);
    return this.merge(this.left[h]!, this.right[h]!);
  }

  /** Melds two heaps; returns the new root. Top-down skew merge, iterative. */
  merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    this.settle(a);
    this.settle(b);
    if (this.less(b, a)) [a, b] = [b, a];
    const root = a;
    let cur = a;
    let other = b;
    for (;;) {
      // Recursive form: cur.right = merge(cur.right, other); then swap cur's children.
      const r = this.right[cur]!;
      this.right[cur] = this.left[cur]!;
      if (r < 0) {
        this.left[cur] = other;
        return root;
      }
      this.settle(r);
      let next = r;
      if (this.less(other, r)) [next, other] = [other, r];
      this.left[cur] = next;
      cur = next;
    }
  }

  /** Applies node `h`'s pending addition to its own key and hands it down to its children. */
  private settle(h: number): void {
    const d = this.lazy[h]!;
    if (d === 0) return;
    this.key[h]! += d;
    const l = this.left[h]!;
    const r = this.right[h]!;
    if (l >= 0) this.lazy[l]! += d;
    if (r >= 0) this.lazy[r]! += d;
    this.lazy[h] = 0;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }
}
