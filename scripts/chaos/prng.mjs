// Every random choice of a chaos run comes from one seeded generator, so a failing seed replays
// the same edits, faults and hostile payloads in the same order (timing aside: the machine's
// load decides what interleaves with what). mulberry32: small, fast, and good enough for picking.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    /** integer in [lo, hi] */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** an independent stream for one part, so adding a draw in one part leaves the others' alone */
    fork: (label) => prng((seed * 31 + [...label].reduce((h, c) => (h * 33 + c.charCodeAt(0)) >>> 0, 5381)) >>> 0),
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i += 4) b.writeUInt32LE(Math.floor(next() * 4294967296), Math.min(i, n - 4));
      return b;
    },
  };
  return r;
}
