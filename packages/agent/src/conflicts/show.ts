// `herald conflicts show PATH`: the kept versions, as unified diffs of the variant files in the
// work tree (`git diff --no-index`, so what you see is what `resolve` would keep).
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { GitRepo } from "../git/repo.js";
import { HeraldError } from "../errors.js";
import { variantsInHead } from "./clone.js";
import { formatList, listConflicts } from "./list.js";
import type { ConflictView, SideCache } from "./model.js";

/** Present variant files of the open records, then any other variant of `path` HEAD holds. */
export async function currentFiles(repo: GitRepo, path: string, open: ConflictView[]): Promise<{ recorded: string[]; extra: string[] }> {
  const recorded = [...new Set(open.flatMap((v) => v.variants.filter((x) => x.present).map((x) => x.file)))];
  const extra = (await variantsInHead(repo, path)).filter((f) => !recorded.includes(f));
  return { recorded, extra };
}

/** git's own test: a NUL byte in the first 8000 bytes makes a file binary. */
async function probe(top: string, file: string): Promise<{ size: number; binary: boolean }> {
  const st = await stat(join(top, file)).catch(() => null);
  if (!st) throw new HeraldError("MISSING", `${file} is missing from the work tree (git checkout -- ${file} brings it back)`);
  const fh = await open(join(top, file), "r");
  try {
    const buf = Buffer.alloc(Math.min(8000, st.size));
    await fh.read(buf, 0, buf.length, 0);
    return { size: st.size, binary: buf.includes(0) };
  } finally {
    await fh.close();
  }
}

async function diff(repo: GitRepo, a: string, b: string): Promise<string> {
  const [pa, pb] = await Promise.all([a === "/dev/null" ? { size: 0, binary: false } : probe(repo.dir, a), probe(repo.dir, b)]);
  if (pa.binary || pb.binary) return `binary files differ: ${a} (${pa.size} bytes) and ${b} (${pb.size} bytes)\n`;
  // Exit 1 means "they differ": that is the answer, not a failure.
  const r = await repo.exec(["diff", "--no-index", "--no-color", "--", a, b]);
  if (r.code === 0) return `${a} and ${b} are identical\n`;
  if (r.code !== 1) throw new HeraldError("GIT", `git diff failed: ${r.stderr.trim().split("\n").pop() ?? ""}`);
  return r.stdout;
}

export async function showConflict(repo: GitRepo, path: string, views: ConflictView[], sides: SideCache): Promise<string> {
  const open = views.filter((v) => v.state === "open");
  if (open.length === 0) return `${path}: already resolved\n`;
  const { recorded, extra } = await currentFiles(repo, path, open);
  const files = [...recorded, ...extra];
  let out = formatList(await listConflicts(open, sides));
  for (const f of extra) out += `  ${f}  (a further version, not in the record)\n`;
  out += "\n";
  // One version left (modify/delete, file/directory): show it whole; several: each against the first.
  if (files.length === 1) out += await diff(repo, "/dev/null", files[0]!);
  for (const f of files.slice(1)) out += await diff(repo, files[0]!, f);
  return out;
}
