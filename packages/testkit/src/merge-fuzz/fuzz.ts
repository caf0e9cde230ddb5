// The merge fuzzer: random histories on two or three clones of one repository, synced by Herald's
// own merge (the engine: the agent's merge and branch move, handed in so the testkit needs no
// agent), checked after every merge (checks.ts). Every random choice comes from the seed and the
// case number, so one failing case replays alone (`--seed N --case K`) and makes the same commits.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Clock, gitExec, gitRun } from "./git.js";
import { baseCommit, GITLINK, makeRng, randomCommit, userMerge, Writer } from "./history.js";
import { checkMerge, HERALD_EMAIL, PATH_KEEPS_A_VERSION, Reader, unmappedGitlinks } from "./checks.js";

/** Herald's merge as an agent runs it on one clone. */
export interface FuzzClone {
  /** The commit the clone's branch moves to for these heads (its own HEAD among them): a fast-forward target or Herald's merge. */
  merge(heads: string[]): Promise<string>;
  /** Moves the clone's branch from `from` to `to` as the agent does; "advanced" when it did. */
  advance(from: string, to: string): Promise<string>;
  close(): void;
}
export interface FuzzEngine { open(dir: string): Promise<FuzzClone> }

export interface FuzzOptions {
  seed: number;
  /** cases from..cases-1 */
  cases: number;
  /** the first case to run (default 0): a long run goes on where a stopped one left off */
  from?: number;
  /** run this one case only (a replay) */
  only?: number;
  engine: FuzzEngine;
  /** start no case after this many ms (the suite's share of time); the report says how many ran */
  budgetMs?: number;
  /** cases run at once (default 1) */
  jobs?: number;
  /** the stricter rule (checks.ts PATH_KEEPS_A_VERSION) */
  pathKeepsAVersion?: boolean;
  log?: (line: string) => void;
  /** after each case: every case from `from` below `below` has run (for a run stopped by a signal) */
  progress?: (below: number) => void;
  /** how to replay a case, for the failure message */
  replay?: (seed: number, k: number) => string;
}

export interface FuzzFailure { k: number; problems: string[]; dir: string; replay: string }
/** Herald merges checked: all, those with conflicts, those of a criss-cross (two or more merge bases). */
export interface MergeStats { merges: number; conflicted: number; crissCross: number }
export interface FuzzReport extends MergeStats {
  seed: number;
  cases: number;
  failures: FuzzFailure[];
  ms: number;
  /** every case from `from` below this one ran (a budget or a stop can leave it short of `cases`) */
  below: number;
}

/** The case's own seed: cases are independent, so any one replays without the others. */
export function caseSeed(seed: number, k: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(k + 1, 0x85ebca6b)) >>> 0;
}

export async function runMergeFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const replay = o.replay ?? ((s, k) => `npm run fuzz-merge -- --seed ${s} --case ${k}`);
  const from = o.from ?? 0;
  const ks = o.only !== undefined ? [o.only] : Array.from({ length: Math.max(0, o.cases - from) }, (_, i) => from + i);
  // The lowest case not finished yet: every case below it has run, whatever order jobs end in,
  // so a stopped run resumes with `from` there and skips nothing.
  const finished = new Set<number>();
  let below = ks[0] ?? from;
  const failures: FuzzFailure[] = [];
  const stats: MergeStats = { merges: 0, conflicted: 0, crissCross: 0 };
  let done = 0;
  const one = async (k: number) => {
    const root = await mkdtemp(join(tmpdir(), `herald-fuzz-${o.seed}-${k}-`));
    let problems: string[];
    try {
      problems = await runCase(o, k, root, stats);
    } catch (e) {
      problems = [`error: ${(e as Error).stack ?? String(e)}`];
    }
    if (problems.length) {
      const f = { k, problems, dir: root, replay: replay(o.seed, k) };
      failures.push(f);
      log(`FAIL seed ${o.seed} case ${k}: ${problems.length} problem(s); repositories kept in ${root}; replay: ${f.replay}\n  ${problems.slice(0, 8).join("\n  ")}`);
    } else {
      await rm(root, { recursive: true, force: true });
    }
    finished.add(k);
    while (finished.delete(below)) below++;
    o.progress?.(below);
    if (++done % 100 === 0) log(`${done}/${ks.length} cases, ${stats.merges} merges checked (${stats.conflicted} with conflicts, ${stats.crissCross} criss-cross), ${failures.length} failed, ${Math.round(performance.now() - t0)} ms; every case from ${ks[0]} below ${below} run`);
  };
  // Cases are independent: `jobs` of them at once (a case mostly waits on git processes).
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 1) }, async () => {
    while (next < ks.length && !(o.budgetMs !== undefined && performance.now() - t0 > o.budgetMs)) await one(ks[next++]!);
  }));
  failures.sort((a, b) => a.k - b.k);
  return { seed: o.seed, cases: done, ...stats, failures, ms: Math.round(performance.now() - t0), below };
}

interface Clone { name: string; dir: string; h: FuzzClone }

async function runCase(o: FuzzOptions, k: number, root: string, stats: MergeStats): Promise<string[]> {
  const rng = makeRng(caseSeed(o.seed, k));
  const w = new Writer(rng, new Clock());
  const names = rng.chance(0.35) ? ["a", "b", "c"] : ["a", "b"];
  const dirs = names.map((n) => join(root, n));
  await gitRun(root, ["init", "-q", "-b", "main", dirs[0]!]);
  await baseCommit(w, names[0]!, dirs[0]!);
  for (const d of dirs.slice(1)) await gitRun(root, ["clone", "-q", dirs[0]!, d]);
  // Each clone sees the others' objects (alternates) instead of fetching them: what a fetch
  // would bring, at no git process a sync. The merge reads objects only; refs stay each clone's own.
  for (const d of dirs) await writeFile(join(d, ".git", "objects", "info", "alternates"), dirs.filter((o) => o !== d).map((o) => `${join(o, ".git", "objects")}\n`).join(""));
  const clones: Clone[] = [];
  const problems: string[] = [];
  const checked = new Set<string>();
  const rd = new Reader(dirs[0]!); // every clone sees every object (alternates)
  try {
    for (const [i, n] of names.entries()) clones.push({ name: n, dir: dirs[i]!, h: await o.engine.open(dirs[i]!) });
    const opts = { pathKeepsAVersion: o.pathKeepsAVersion ?? PATH_KEEPS_A_VERSION };
    /** A person's random commit on `c`, from the modes of its HEAD's tree (read through `rd`). */
    const commitOn = async (c: Clone) => randomCommit(w, c.name, c.dir, new Map([...(await rd.tree(await headOf(c.dir)))].map(([p, e]) => [p, e.mode])));

    /** Whether a person's own commit behind `tip` left the gitlink at `path` unmapped (their
     * `git merge -X ours` can drop one of two .gitmodules sections added at once: seed 2026 case
     * 7379): `git submodule status` failing on it is theirs, not Herald's merge's. */
    const personUnmapped = async (tip: string, path: string) => {
      for (const sha of (await gitRun(rd.dir, ["rev-list", tip])).split("\n").filter(Boolean)) {
        if ((await rd.commit(sha)).email === HERALD_EMAIL) continue;
        const t = await rd.tree(sha);
        await rd.load([t]);
        if (unmappedGitlinks(rd, t).includes(path)) return true;
      }
      return false;
    };

    /** Every clone of `group` takes in the others' tips; `mergers` make Herald's merge and move there. */
    const sync = async (group: Clone[], mergers: Clone[], final = false) => {
      const heads = await Promise.all(group.map((c) => headOf(c.dir)));
      const results: string[] = [];
      for (const c of mergers) {
        const own = heads[group.indexOf(c)]!;
        // Each clone lists the heads its own way; the merge must not care.
        results.push(await c.h.merge([own, ...heads.filter((h) => h !== own).reverse()]));
      }
      if (new Set(results).size > 1) problems.push(`clones ${mergers.map((c) => c.name).join(", ")} merged ${heads.join(" ")} into different commits: ${results.join(" ")}`);
      const to = results[0]!;
      for (const m of await newMerges(rd, to, checked)) {
        const r = await checkMerge(rd, m, opts);
        stats.merges++;
        if (m.conflicts.length) stats.conflicted++;
        if (r.bases > 1) stats.crissCross++;
        for (const p of r.problems) problems.push(`merge ${m.sha.slice(0, 12)} (${m.parents.map((p) => p.slice(0, 12)).join(" + ")}) on ${mergers[0]!.name}: ${p}`);
      }
      for (const [i, c] of mergers.entries()) {
        const from = heads[group.indexOf(c)]!;
        if (results[i] !== from) {
          const outcome = await c.h.advance(from, results[i]!);
          if (outcome !== "advanced") problems.push(`${c.name}: moving ${from.slice(0, 12)} to ${results[i]!.slice(0, 12)} gave ${outcome}`);
        }
        problems.push(...(await cloneState(c, results[i]!, final && [...(await rd.tree(to)).values()].some((e) => e.mode === GITLINK) ? (path) => personUnmapped(to, path) : null)));
      }
    };

    for (let round = rng.int(2, 4); round > 0 && !problems.length; round--) {
      for (const c of clones) if (rng.chance(0.75)) await commitOn(c);
      const [x, y] = shuffle(rng, clones) as [Clone, Clone];
      const what = rng.next();
      if (what < 0.25) await sync([x, y], [x, y]);
      else if (what < 0.45) await sync([x, y], [x]); // only one side merges: later merges cross
      else if (what < 0.55) await userMerge(w, x.name, x.dir, await headOf(y.dir));
      else if (what < 0.8) {
        // A criss-cross: both take in the other's tip, differently (Herald's merge or the person's
        // own, and the person's own), and go on working; the next merge has two merge bases.
        const hx = await headOf(x.dir);
        if (rng.chance(0.5)) await sync([x, y], [x]);
        else await userMerge(w, x.name, x.dir, await headOf(y.dir));
        await userMerge(w, y.name, y.dir, hx);
        for (const c of [x, y]) await commitOn(c);
      }
    }
    if (!problems.length) {
      if (rng.chance(0.5)) for (const c of clones) if (rng.chance(0.6)) await commitOn(c);
      await sync(clones, clones, true);
    }
  } finally {
    for (const c of clones) c.h.close();
    rd.close();
  }
  return problems;
}

/** Herald merges reachable from `tip` through Herald merges not checked yet, newest first. */
async function newMerges(rd: Reader, tip: string, checked: Set<string>) {
  const out = [];
  for (const stack = [tip]; stack.length;) {
    const sha = stack.pop()!;
    if (checked.has(sha)) continue;
    checked.add(sha);
    const facts = await rd.commit(sha);
    if (facts.email !== HERALD_EMAIL || facts.parents.length !== 2) continue;
    out.push(facts);
    stack.push(...facts.parents);
  }
  return out;
}

/** A clone after Herald moved it: on the merge, clean, not mid-merge, submodules readable.
 * `submodules`: check `git submodule status`, forgiving a gitlink a person left unmapped. */
async function cloneState(c: Clone, want: string, submodules: ((path: string) => Promise<boolean>) | null): Promise<string[]> {
  const problems: string[] = [];
  const head = await headOf(c.dir);
  if (head !== want) problems.push(`${c.name}: HEAD is ${head}, not ${want}`);
  const status = await gitRun(c.dir, ["status", "--porcelain", "-z", "--ignore-submodules=none", "--untracked-files=all"]);
  if (status) problems.push(`${c.name}: work tree not clean after the merge: ${JSON.stringify(status.split("\0").filter(Boolean).slice(0, 5))}`);
  for (const f of ["MERGE_HEAD", "CHERRY_PICK_HEAD", "index.lock"]) if (existsSync(join(c.dir, ".git", f))) problems.push(`${c.name}: .git/${f} left behind`);
  const leftovers = (await readdir(join(c.dir, ".git", "herald")).catch(() => [])).filter((f) => f.startsWith("merge-index") || f.startsWith("gitmodules-") || f === "advance.json");
  if (leftovers.length) problems.push(`${c.name}: left in .git/herald: ${leftovers.join(", ")}`);
  // `git submodule status` is a dozen processes: asked once a case, after the last merge.
  if (submodules) {
    const r = await gitExec(c.dir, ["submodule", "status"]);
    const unmapped = /no submodule mapping found in \.gitmodules for path '(.*)'/.exec(r.stderr)?.[1];
    if (r.code !== 0 && (unmapped === undefined || !(await submodules(unmapped)))) problems.push(`${c.name}: git submodule status fails: ${r.stderr.trim().split("\n")[0]}`);
  }
  return problems;
}

/** The clone's HEAD, from the branch's ref file when it is loose (one git process less per read). */
async function headOf(dir: string): Promise<string> {
  const loose = await readFile(join(dir, ".git", "refs", "heads", "main"), "utf8").catch(() => "");
  return /^[0-9a-f]{40}\n$/.test(loose) ? loose.trim() : (await gitRun(dir, ["rev-parse", "HEAD"])).trim();
}

function shuffle<T>(rng: { next(): number }, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
