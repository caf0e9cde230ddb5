// Keep both versions of a conflicted file as `name.variant-XXXX.ext` beside it in the working
// tree, named exactly as the agent names them: XXXX is the start of the version's blob id.
import { constants } from "node:fs";
import { mkdir, open, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, isAbsolute } from "node:path";
import { variantFileName } from "@herald/agent";
import { CliError } from "../cli-error.js";
import { gitOk } from "../run-git.js";

export interface Side { label: "ours" | "theirs"; content: Buffer }
export interface KeptVariant { label: Side["label"]; file: string }

/**
 * The blob id git stores for these bytes: the same as the conflict's stage entry, which is what
 * the agent hashes. --no-filters because the merge driver's inputs are already repository form.
 */
async function blobId(top: string, content: Buffer): Promise<string> {
  return (await gitOk(["hash-object", "--no-filters", "--stdin"], { cwd: top, input: content })).toString("utf8").trim();
}

async function assertInside(realTop: string, dir: string, what: string): Promise<void> {
  const rel = relative(realTop, await realpath(dir));
  if (rel.startsWith("..") || isAbsolute(rel)) throw new CliError(`refusing to write ${what}: its directory leads outside the repository`);
}

/** Writes `rel` under `top` without following a symlink out of the clone (at any level). */
async function writeInside(top: string, rel: string, content: Buffer): Promise<void> {
  const realTop = await realpath(top);
  const target = join(top, rel);
  // The nearest directory that exists already decides where mkdir's new directories go.
  let existing = dirname(target);
  while (!(await stat(existing).catch(() => null))) existing = dirname(existing);
  await assertInside(realTop, existing, rel);
  await mkdir(dirname(target), { recursive: true });
  await assertInside(realTop, dirname(target), rel);
  const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o666);
  try {
    await fh.writeFile(content);
  } finally {
    await fh.close();
  }
}

export async function writeVariants(top: string, path: string, sides: Side[]): Promise<KeptVariant[]> {
  const kept: KeptVariant[] = [];
  for (const side of sides) {
    const file = variantFileName(path, await blobId(top, side.content));
    await writeInside(top, file, side.content);
    kept.push({ label: side.label, file });
  }
  return kept;
}
