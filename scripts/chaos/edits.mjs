// What the users do while faults fly: commits on random clones, of every kind Herald must carry
// (text, binary, delete against modify, renames, new directories, files of 1 MB and more, the
// executable bit, symlinks). Paths come from small shared pools, so clones edit the same files at
// once and merges conflict. Each commit's sha is recorded: the invariants look for every one.
import { execFile } from "node:child_process";
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { sleep } from "../bench/lib.mjs";

const execFileP = promisify(execFile);

export const KINDS = ["text", "binary", "delete", "rename", "newdir", "big", "exec", "symlink"];

const LOCKED = /index\.lock|cannot lock ref|Unable to create/;

/** git in `dir`, run again while another git (the agent's merge) holds index.lock, as a user would. */
export function gitIn(dir, env = {}) {
  return async (...args) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await execFileP("git", ["-c", "core.abbrev=40", ...args], { cwd: dir, env: { ...process.env, ...env }, maxBuffer: 64 << 20 })).stdout;
      } catch (e) {
        if (!LOCKED.test(String(e.stderr ?? "")) || attempt >= 300) throw e;
        await sleep(25);
      }
    }
  };
}

const text = (rng, who) => Array.from({ length: rng.int(1, 6) }, () => `${who} ${rng.int(0, 1e9).toString(36)} ${"lorem ipsum dolor ".repeat(rng.int(0, 4))}`).join("\n") + "\n";

/** Paths a user may touch (never the wip/ files of the uncommitted-work fault). */
async function tracked(g) {
  return (await g("ls-files", "-z")).split("\0").filter((p) => p && !p.startsWith("wip/") && p !== "README.md");
}

/** One edit of `kind` on clone `c`, staged; returns a commit message, or null when there is nothing to do. */
async function edit(kind, dir, g, rng, c) {
  const put = async (p, data) => { await mkdir(dirname(join(dir, p)), { recursive: true }); await rm(join(dir, p), { force: true, recursive: true }); await writeFile(join(dir, p), data); await g("add", "--", p); };
  switch (kind) {
    case "text": { const p = `notes/n${rng.int(0, 11)}.txt`; await put(p, text(rng, c)); return `text ${p}`; }
    case "binary": { const p = `bin/b${rng.int(0, 4)}.bin`; await put(p, rng.bytes(rng.int(2, 64) << 10)); return `binary ${p}`; }
    case "big": { const p = `big/f${rng.int(0, 2)}.dat`; await put(p, rng.bytes((1 << 20) + rng.int(0, 1 << 20))); return `big ${p}`; }
    case "newdir": { const p = `d${rng.int(0, 99)}/e${rng.int(0, 9)}/${c}.txt`; await put(p, text(rng, c)); return `newdir ${p}`; }
    case "symlink": { const p = `links/l${rng.int(0, 3)}`; await mkdir(join(dir, "links"), { recursive: true }); await rm(join(dir, p), { force: true, recursive: true }); await symlink(`../notes/n${rng.int(0, 11)}.txt`, join(dir, p)); await g("add", "--", p); return `symlink ${p}`; }
    case "delete": { const files = await tracked(g); if (!files.length) return null; const p = rng.pick(files); await g("rm", "-q", "--cached", "--", p); await rm(join(dir, p), { force: true }); return `delete ${p}`; }
    case "rename": { const files = await tracked(g); if (!files.length) return null; const p = rng.pick(files); const to = `moved/${rng.int(0, 20)}/${p.split("/").pop()}`; await mkdir(dirname(join(dir, to)), { recursive: true }); await g("mv", "-k", "--", p, to); return `rename ${p} ${to}`; }
    case "exec": { const files = (await g("ls-files", "-s", "-z")).split("\0").filter((l) => l.startsWith("100")).map((l) => l.slice(l.indexOf("\t") + 1)).filter((p) => !p.startsWith("wip/") && p !== "README.md"); if (!files.length) return null; const p = rng.pick(files); const x = rng.chance(0.5); await chmod(join(dir, p), x ? 0o755 : 0o644).catch(() => {}); await g("update-index", `--chmod=${x ? "+" : "-"}x`, "--", p); return `exec ${x ? "+" : "-"}x ${p}`; }
    default: throw new Error(`unknown edit kind ${kind}`);
  }
}

/**
 * The scripted users' work left uncommitted by edits that failed half-way (a full disk, a file a
 * merge just removed) is committed, as a person tidying up would; `keep` (the uncommitted-work
 * fault's file) stays as it is. Returns the commits made.
 */
export async function tidy(net, keep = new Set()) {
  const out = [];
  for (const c of net.names) {
    const g = gitIn(net.clones[c]);
    const dirty = (await g("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")).split("\0").filter(Boolean).map((l) => l.slice(3)).filter((p) => !keep.has(`${c}:${p}`));
    if (!dirty.length) continue;
    // Everything but the kept files (listed paths may be gone by now: a merge moved on).
    const exclude = [...keep].filter((k) => k.startsWith(`${c}:`)).map((k) => `:(exclude,literal)${k.slice(c.length + 1)}`);
    const added = await g("add", "-A", "--", ".", ...exclude).then(() => true, () => false);
    const sha = added ? await commitStaged(g, `${c}: tidy ${dirty.length} leftover change(s)`).catch(() => null) : null;
    if (sha) out.push({ sha, clone: c, kind: "tidy" });
  }
  return out;
}

/** Commit what is staged; returns its sha, or null when nothing was staged. */
export async function commitStaged(g, message) {
  try {
    const out = await g("commit", "--no-verify", "-m", message);
    const sha = /\[[^\]]*?([0-9a-f]{40})\]/.exec(out)?.[1];
    if (!sha) throw new Error(`no sha in git commit's output: ${out.slice(0, 200)}`);
    return sha;
  } catch (e) {
    if (/nothing to commit|nothing added|no changes added/.test(String(e.stderr ?? "") + String(e.stdout ?? ""))) return null;
    throw e;
  }
}

/**
 * Edits at random on the clones `eligible()` names until `until` (ms since the epoch).
 * One edit at a time per clone (`busy` names those editing now), at most `parallel` at once.
 * Returns { commits, byKind, failed }.
 */
export async function runEdits({ net, rng, until, eligible, envOf = () => ({}), parallel = 3, gapMs = [40, 250], busy = new Set() }) {
  const commits = [];
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0]));
  const failed = [];
  const running = new Set();
  while (Date.now() < until) {
    await sleep(rng.int(...gapMs));
    const free = eligible().filter((c) => !busy.has(c));
    if (!free.length || running.size >= parallel) continue;
    const c = rng.pick(free);
    const kind = rng.pick(KINDS);
    const seed = rng.int(0, 2 ** 31);
    busy.add(c);
    const job = (async () => {
      const dir = net.clones[c];
      const g = gitIn(dir, envOf(c));
      const { prng } = await import("./prng.mjs");
      const message = await edit(kind, dir, g, prng(seed), c);
      if (message === null) return;
      const sha = await commitStaged(g, `${c}: ${message}`);
      if (sha) { commits.push({ sha, clone: c, kind }); byKind[kind]++; }
    })().catch((e) => failed.push({ clone: c, kind, error: String(e.stderr || e.message).split("\n")[0] }))
      .finally(() => { busy.delete(c); running.delete(job); });
    running.add(job);
  }
  await Promise.all(running);
  return { commits, byKind, failed };
}
