// Small shared pieces for the agent's integration tests (agents themselves: helpers.ts).
import { commitFile, git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { execFileSync } from "node:child_process";
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogRecord } from "@herald/agent";
import type { Running } from "./helpers.js";

/** One commit adding `n` files under big/ and changing README.md: a checkout that takes a while. */
export async function bigCommit(dir: string, n = 3000, tag = "big"): Promise<string> {
  await mkdir(join(dir, "big"), { recursive: true });
  const body = `${tag} payload line\n`.repeat(200);
  for (let i = 0; i < n; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) =>
      writeFile(join(dir, "big", `f${String(i + k).padStart(4, "0")}.txt`), `${i + k}\n${body}`)));
  }
  await writeFile(join(dir, "README.md"), `shared\n${tag}\n`);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", `${tag}: ${n} files`);
  return (await git(dir, "rev-parse", "HEAD")).trim();
}

/** Three clones a, b, c in a mesh, each with a commit of its own to f.txt (every fold step
 * conflicts); b's and c's fetched into a under `into` (refs/tmp by default). The sandbox, a's
 * directory and the three commits, a's first. */
export async function threeConflictingHeads(into = "refs/tmp"): Promise<{ sb: Sandbox; a: string; heads: string[] }> {
  const sb = await makeSandbox(["a", "b", "c"], "mesh");
  const { a, b, c } = sb.clones as Record<"a" | "b" | "c", string>;
  const heads = [await commitFile(a, "f.txt", "from a\n"), await commitFile(b, "f.txt", "from b\n"), await commitFile(c, "f.txt", "from c\n")];
  const where = (n: string) => (into === "refs/remotes" ? `refs/remotes/${n}/main` : `${into}/${n}`);
  await git(a, "fetch", "-q", b, `main:${where("b")}`);
  await git(a, "fetch", "-q", c, `main:${where("c")}`);
  await mkdir(join(a, ".git", "herald"), { recursive: true }); // the agent makes it at start (engine.ts)
  return { sb, a, heads };
}

/** One clone, a; `to` one commit ahead of a's branch (`from`) with new.txt, on a branch of its own. */
export async function oneCommitAhead(): Promise<{ sb: Sandbox; a: string; from: string; to: string }> {
  const sb = await makeSandbox(["a"], []);
  const a = sb.clones.a!;
  const from = await head(a);
  await git(a, "checkout", "-q", "-b", "next");
  await commitFile(a, "new.txt", "new\n", "a new file");
  const to = await head(a);
  await git(a, "checkout", "-q", "main");
  return { sb, a, from, to };
}

export const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

export const recordsOf = (r: Running, event: string): LogRecord[] => r.records.filter((x) => x.event === event);

export async function isAncestor(dir: string, a: string, b: string): Promise<boolean> {
  return git(dir, "merge-base", "--is-ancestor", a, b).then(() => true, () => false);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A `git` first on PATH (process.env.PATH, which every git the in-process agents spawn reads):
 * `before` (bash, with $WRAP set to the wrapper's directory) runs, then the real git. Call
 * restore() in afterAll/afterEach.
 */
export async function installGitWrapper(before: string): Promise<{ dir: string; restore: () => Promise<void> }> {
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const dir = await mkdtemp(join(tmpdir(), "herald-gitwrap-"));
  await writeFile(join(dir, "git"), `#!/bin/bash\nWRAP='${dir}'\n${before}\nexec '${real}' "$@"\n`);
  await chmod(join(dir, "git"), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved}`;
  return { dir, restore: async () => { process.env.PATH = saved; await rm(dir, { recursive: true, force: true }); } };
}
