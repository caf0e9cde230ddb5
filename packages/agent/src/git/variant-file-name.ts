// Conflict variants are named like git-annex names them: `name.variant-XXXX.ext`, the extension kept
// last so the file still opens with the right program. XXXX comes from the content (the blob id),
// never from a node name or the clock, so every node that resolves the same conflict writes the
// same tree (git-annex doc/automatic_conflict_resolution: "the resolved repositories will not
// themselves conflict"). The id covers the mode too: one content added as a plain file on one side
// and as an executable, a symlink or a gitlink on the other (git's t6416 "conflicting modes for
// regular file") is two versions, and two versions need two names. A plain file's id is its blob
// id alone, as the merge driver (herald merge-driver) names it.
import { createHash } from "node:crypto";

const VARIANT = /\.variant-[0-9a-f]{8,64}(?=\.[^./]*$|$)/;

/** The id of a version: its blob id for a plain file, else a hash of mode and blob id. */
export function variantId(blob: string, mode = "100644"): string {
  return mode === "100644" ? blob : createHash("sha1").update(`${mode} ${blob}`).digest("hex");
}

/** `retry` (0 first): the n-th other name for the same version, for when its first name is taken
 * by something else (keep-both.ts): still a function of the version alone, so the same everywhere. */
export function variantFileName(path: string, blob: string, mode = "100644", idLength = 8, retry = 0): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  // A leading dot names a hidden file, not an extension (".bashrc" → ".bashrc.variant-…").
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  const id = retry === 0 ? variantId(blob, mode) : createHash("sha1").update(`${variantId(blob, mode)} ${retry}`).digest("hex");
  return `${dir}${stem}.variant-${id.slice(0, idLength)}${ext}`;
}

export function isVariantFileName(path: string): boolean {
  return VARIANT.test(path.slice(path.lastIndexOf("/") + 1));
}

/** The path a variant stands for: `a/b.variant-1234abcd.txt` → `a/b.txt`. */
export function variantOriginal(path: string): string {
  const slash = path.lastIndexOf("/");
  return path.slice(0, slash + 1) + path.slice(slash + 1).replace(VARIANT, "");
}
