// A submodule pointer conflict keeps one side's gitlink at `sub` and the other's beside it as a
// variant (`sub.variant-X`); that variant needs its own entry in `.gitmodules`: git maps a
// gitlink to its submodule by path, and with `path = sub` alone `git submodule status` and
// `update` stop on every clone ("no submodule mapping found in .gitmodules for path
// 'sub.variant-X'"). Each variant gets an entry named by its path, with the
// url the original path had (in the merge, or else in the side it came from). So does a
// submodule a side mapped whose mapping the merge lost: both sides added a submodule, their
// `.gitmodules` conflicted and are kept as variants (git's t6437), and the merge has none. The
// new `.gitmodules` is written by `git config --file`, a function of the old one and the sides',
// so every node writes the same blob. A gitlink no side mapped (a repository added by mistake)
// is left as it was.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { IndexEdit, TreeEntry } from "./keep-both.js";
import { variantOriginal, isVariantFileName } from "./variant-file-name.js";
import { assertSha, type GitRepo } from "./repo.js";

const GITLINK = "160000";

/** Edits adding a `.gitmodules` entry for every gitlink in `entries` that needs one and has none. */
export async function gitmodulesEdits(repo: GitRepo, entries: TreeEntry[], parents: [string, string]): Promise<IndexEdit[]> {
  // A newline cannot be written in a config value: such a path stays unmapped, as git would leave it.
  const links = entries.filter((e) => e.mode === GITLINK && !e.path.includes("\n")).map((e) => e.path).sort();
  if (!links.length) return [];
  const current = entries.find((e) => e.path === ".gitmodules");
  const mapped = current ? await modules(repo, current.oid) : new Map<string, string | undefined>();
  const unmapped = links.filter((p) => !mapped.has(p));
  if (!unmapped.length) return [];
  const sides = await Promise.all(parents.map(async (p) => {
    const oid = (await repo.exec(["rev-parse", "--verify", "-q", `${p}:.gitmodules`])).stdout.trim();
    return oid ? modules(repo, oid) : new Map<string, string | undefined>();
  }));
  const missing = unmapped.filter((p) => isVariantFileName(p) || sides.some((m) => m.has(p)));
  if (!missing.length) return [];
  const file = join(repo.gitDir, "herald", `gitmodules-${process.pid}`);
  try {
    await writeFile(file, current ? ((await repo.blob(current.oid)) ?? "") : "");
    for (const path of missing) {
      const original = isVariantFileName(path) ? variantOriginal(path) : path;
      const url = [mapped, ...sides].map((m) => m.get(original)).find((u) => u !== undefined);
      await repo.run(["config", "--file", file, `submodule.${path}.path`, path]);
      if (url !== undefined) await repo.run(["config", "--file", file, `submodule.${path}.url`, url]);
    }
    const oid = assertSha((await repo.run(["hash-object", "-w", "--no-filters", file])).trim());
    return [{ op: "add", path: ".gitmodules", mode: "100644", oid }];
  } finally {
    await rm(file, { force: true });
  }
}

/** path → url of each submodule a `.gitmodules` blob maps. */
async function modules(repo: GitRepo, blob: string): Promise<Map<string, string | undefined>> {
  const r = await repo.exec(["config", "--blob", assertSha(blob), "-z", "--get-regexp", "^submodule\\..*\\.(path|url)$"]);
  const byName = new Map<string, { path?: string; url?: string }>();
  for (const rec of r.stdout.split("\0").filter(Boolean)) {
    const nl = rec.indexOf("\n");
    const key = rec.slice(0, nl), value = rec.slice(nl + 1);
    const m = /^submodule\.(.*)\.(path|url)$/s.exec(key);
    if (!m) continue;
    const s = byName.get(m[1]!) ?? {};
    s[m[2] as "path" | "url"] = value;
    byName.set(m[1]!, s);
  }
  return new Map([...byName.values()].filter((s) => s.path !== undefined).map((s) => [s.path!, s.url]));
}
