// Small shared pieces for the agent's integration tests (agents themselves: helpers.ts).
import { git } from "@herald/testkit";
import { access, mkdir, writeFile } from "node:fs/promises";
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

export const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

export const recordsOf = (r: Running, event: string): LogRecord[] => r.records.filter((x) => x.event === event);

export async function isAncestor(dir: string, a: string, b: string): Promise<boolean> {
  return git(dir, "merge-base", "--is-ancestor", a, b).then(() => true, () => false);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
