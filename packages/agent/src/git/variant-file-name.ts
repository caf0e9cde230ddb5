// Conflict variants are named like git-annex names them: `name.variant-XXXX.ext`, the extension kept
// last so the file still opens with the right program. XXXX comes from the content (the blob id),
// never from a node name or the clock, so every node that resolves the same conflict writes the
// same tree (git-annex doc/automatic_conflict_resolution: "the resolved repositories will not
// themselves conflict").

const VARIANT = /\.variant-[0-9a-f]{8,64}(?=\.[^./]*$|$)/;

export function variantFileName(path: string, blob: string, idLength = 8): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  // A leading dot names a hidden file, not an extension (".bashrc" → ".bashrc.variant-…").
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  return `${dir}${stem}.variant-${blob.slice(0, idLength)}${ext}`;
}

export function isVariantFileName(path: string): boolean {
  return VARIANT.test(path.slice(path.lastIndexOf("/") + 1));
}

/** The path a variant stands for: `a/b.variant-1234abcd.txt` → `a/b.txt`. */
export function variantOriginal(path: string): string {
  const slash = path.lastIndexOf("/");
  return path.slice(0, slash + 1) + path.slice(slash + 1).replace(VARIANT, "");
}
