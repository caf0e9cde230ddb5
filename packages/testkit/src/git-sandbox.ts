// Real git repositories in temp dirs, wired into topologies, for integration tests.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Identity for test commits, set per clone so no global git config is needed. */
const IDENTITY = ["-c", "user.name=Test User", "-c", "user.email=test@example.org"];

export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileP("git", [...IDENTITY, ...args], { cwd: dir, maxBuffer: 64 << 20 });
  return stdout;
}

export interface Sandbox {
  root: string;
  /** clone dirs by node name */
  clones: Record<string, string>;
  bare: Record<string, string>;
  cleanup(): Promise<void>;
}

export type Topology = "line" | "mesh" | Array<[string, string]>;

/**
 * `nodes` non-bare clones of one history (one initial commit), each with `herald.node` set to its
 * name and a remote per neighbour named after it. `line`: n1–n2–…; `mesh`: everyone to everyone;
 * or explicit undirected pairs. `bares` are bare repositories every clone gets as a remote.
 */
export async function makeSandbox(nodes: string[], topology: Topology, opts: { bares?: string[]; config?: Record<string, string> } = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "herald-git-"));
  const seed = join(root, "seed");
  await mkdir(seed);
  await git(seed, "init", "-q", "-b", "main");
  await writeFile(join(seed, "README.md"), "shared\n");
  await git(seed, "add", ".");
  await git(seed, "commit", "-q", "-m", "initial");
  const clones: Record<string, string> = {};
  for (const n of nodes) {
    clones[n] = join(root, n);
    await git(root, "clone", "-q", "--no-local", seed, clones[n]);
    await git(clones[n], "remote", "remove", "origin");
    await git(clones[n], "config", "herald.node", n);
    await git(clones[n], "config", "user.name", `User ${n}`);
    await git(clones[n], "config", "user.email", `${n}@example.org`);
    for (const [k, v] of Object.entries(opts.config ?? {})) await git(clones[n], "config", k, v);
  }
  const bare: Record<string, string> = {};
  for (const b of opts.bares ?? []) {
    bare[b] = join(root, `${b}.git`);
    await git(root, "clone", "-q", "--bare", seed, bare[b]);
    for (const n of nodes) await git(clones[n]!, "remote", "add", b, bare[b]);
  }
  const pairs: Array<[string, string]> = topology === "line"
    ? nodes.slice(1).map((n, i) => [nodes[i]!, n])
    : topology === "mesh"
      ? nodes.flatMap((a, i) => nodes.slice(i + 1).map((b): [string, string] => [a, b]))
      : topology;
  for (const [a, b] of pairs) {
    await git(clones[a]!, "remote", "add", b, clones[b]!);
    await git(clones[b]!, "remote", "add", a, clones[a]!);
  }
  await rm(seed, { recursive: true, force: true });
  // Retried: a git an agent started may still be writing into a .git for a moment after the agent
  // stopped (ENOTEMPTY, seen on a loaded machine).
  return { root, clones, bare, cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }) };
}

export async function commitFile(dir: string, path: string, content: string | Buffer, message = `edit ${path}`): Promise<string> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", message);
  return (await git(dir, "rev-parse", "HEAD")).trim();
}

export async function head(dir: string): Promise<string> {
  return (await git(dir, "rev-parse", "HEAD")).trim();
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
