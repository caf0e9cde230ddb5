// Disjoint sets with rollback. The optimum-branching algorithm contracts cycles by union
// (Tarjan 1977) and, to name the actual parent of every node afterwards, undoes those unions
// newest-first. Rollback rules out path compression, so `find` relies on union by size alone:
// trees stay O(log n) deep, and `find` is an O(log n) loop (no recursion).

export class RollbackUnionFind {
  private readonly up: Int32Array;
  private readonly size: Int32Array;
  private readonly history: Int32Array; // roots that were attached below another root, in order
  private length = 0;

  constructor(n: number) {
    this.up = new Int32Array(n);
    for (let i = 0; i < n; i++) this.up[i] = i;
    this.size = new Int32Array(n).fill(1);
    this.history = new Int32Array(Math.max(0, n - 1));
  }

  find(x: number): number {
    let up = this.up[x]!;
    while (up !== x) {
      x = up;
      up = this.up[x]!;
    }
    return x;
  }

  /** Joins the sets of a and b; returns false when they were already one set. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.up[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    this.history[this.length++] = rb;
    return true;
  }

  /** A point to roll back to: the number of unions so far. */
  time(): number {
    return this.length;
  }

  /** Undoes every union made after `time()` returned `t`, newest first. */
  rollback(t: number): void {
    while (this.length > t) {
      const rb = this.history[--this.length]!;
      const ra = this.up[rb]!;
      this.size[ra]! -= this.size[rb]!;
      this.up[rb] = rb;
    }
  }
}
