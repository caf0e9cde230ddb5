// A three-way merge of one file's contents, deciding only "clean (with this result)" or
// "conflict"; what to do about a conflict is the caller's business.
import { CliError } from "../cli-error.js";
import { runGit } from "../run-git.js";

export interface ThreeWayInput {
  files: { base: string; ours: string; theirs: string };
  base: Buffer;
  ours: Buffer;
  theirs: Buffer;
}

export type ThreeWay = { kind: "clean"; result: Buffer } | { kind: "conflict"; binary: boolean };

/** git's own test (xdiff-interface.c buffer_is_binary): a NUL byte in the first 8000 bytes. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

export async function mergeThreeWay(input: ThreeWayInput): Promise<ThreeWay> {
  const { base, ours, theirs, files } = input;
  // One side unchanged (or both changed alike): no diff needed, and the only way a binary
  // file merges cleanly.
  if (ours.equals(theirs) || theirs.equals(base)) return { kind: "clean", result: ours };
  if (ours.equals(base)) return { kind: "clean", result: theirs };
  // merge-file refuses binary input outright; such files go straight to keep-both.
  if (isBinary(base) || isBinary(ours) || isBinary(theirs)) return { kind: "conflict", binary: true };
  // git-merge-file(1): exit 0 clean, 1..127 the number of conflicts, anything else an error.
  const r = await runGit(["merge-file", "-p", "--", files.ours, files.base, files.theirs]);
  if (r.status === 0) return { kind: "clean", result: r.stdout };
  if (r.status > 0 && r.status < 128) return { kind: "conflict", binary: false };
  throw new CliError(`git merge-file failed (exit ${r.status}): ${r.stderr.trim().split("\n").pop() ?? ""}`, "GIT");
}
