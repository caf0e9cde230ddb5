// `herald conflicts resolve PATH --keep ours|theirs|both|VARIANT`: one ordinary commit by the user
// (their identity, their hooks) that puts the chosen version at PATH and removes the variant
// files. PATH already holds one side's version (the merge kept it there): keeping that one, by
// side or by naming PATH, only removes the variants beside it. The agent sees the branch move and
// pushes it like any local commit.
import { posix } from "node:path";
import { settlementTrailer } from "../git/conflict-trailer.js";
import { HeraldError } from "../errors.js";
import { headEntry, uncommitted, LITERAL, type Clone } from "./clone.js";
import type { ConflictView, SideCache } from "./model.js";
import { oursIndex } from "./sides.js";
import { currentFiles } from "./show.js";

export const KEEP_WORDS = ["ours", "theirs", "both"] as const;

interface Choice { keep: string[]; label: string }

function choose(which: string, files: string[], clone: Clone): Choice {
  if (which === "both") return { keep: files, label: "both" };
  // A variant as typed: relative to the top, to the current directory, or just its file name.
  const typed = [which, posix.normalize(posix.join(clone.prefix, which))];
  const byName = files.filter((f) => posix.basename(f) === which);
  const file = files.find((f) => typed.includes(f)) ?? (byName.length === 1 ? byName[0] : undefined);
  if (!file) throw new HeraldError("USAGE", `--keep ${which}: expected ours, theirs, both or one of the variant files: ${files.join(", ")}`);
  return { keep: [file], label: file };
}

async function chooseSide(which: "ours" | "theirs", path: string, open: ConflictView[], files: string[], extra: string[], sides: SideCache): Promise<Choice> {
  const ambiguous = (why: string) => new HeraldError("USAGE", `cannot tell which version of ${path} is ${which} (${why}); choose one with --keep FILE: ${files.join(", ")}`);
  if (open.length !== 1 || extra.length > 0) throw ambiguous("more than two versions");
  const s = await sides.sides(open[0]!.record);
  const ours = oursIndex(s);
  if (ours === null) throw ambiguous("user.email and this clone's commits do not single out one side");
  const side = s[which === "ours" ? ours : 1 - ours]!;
  const keep = open[0]!.variants.filter((v) => v.present && v.from === side.from).map((v) => v.file);
  // A side with no variant file deleted the path (or made it a directory): keeping it removes them all.
  return { keep, label: `${which} (${keep.length ? keep.join(", ") : "no file: the variants are removed"})` };
}

export async function resolveConflict(clone: Clone, path: string, views: ConflictView[], which: string, sides: SideCache): Promise<string> {
  const { repo, store } = clone;
  const open = views.filter((v) => v.state === "open");
  if (open.length === 0) {
    // Settled on another clone (or by hand): say so, and stop counting it here too.
    const done = views.find((v) => v.record.resolved)?.record.resolved;
    if (!done) await store.markResolved(path, "elsewhere", new Date());
    return `${path}: already resolved${done ? ` (kept ${done.keep})` : " elsewhere (no variant file left in HEAD)"}; nothing to do\n`;
  }
  const { recorded, extra } = await currentFiles(repo, path, open);
  const files = [...recorded, ...extra];
  const choice = which === "ours" || which === "theirs" ? await chooseSide(which, path, open, files, extra, sides) : choose(which, files, clone);

  const pathIsDir = (await headEntry(repo, path))?.mode === "040000";
  const write = choice.keep.length === 1 && choice.keep[0] !== path && !pathIsDir ? choice.keep[0]! : null;
  // The path itself is one of the versions (the one that kept the name): written over, never removed.
  const remove = files.filter((f) => (f === write || !choice.keep.includes(f)) && !(write && f === path));
  // Never overwrite work: every file this touches must be exactly as committed.
  const dirty = await uncommitted(repo, [...(pathIsDir ? [] : [path]), ...files]);
  if (dirty.length) throw new HeraldError("DIRTY", `uncommitted changes in ${dirty.join(", ")}; commit or stash them first (nothing was changed)`);

  if (write) {
    const entry = (await headEntry(repo, write))!;
    await repo.run(["update-index", "--add", "--cacheinfo", `${entry.mode},${entry.oid},${path}`]);
    await repo.run(["checkout", "-q", "--", path], LITERAL);
  }
  if (remove.length) await repo.run(["rm", "-q", "--", ...remove], LITERAL);
  const touched = [...new Set([...(write ? [path] : []), ...remove])];
  const body = [write ? `${path}: the version from ${write}` : "", remove.length ? `removed: ${remove.join(", ")}` : ""].filter(Boolean).join("\n") || "every version kept as it is";
  // The settlement names the merges it settles, so every clone that takes this commit in marks
  // those records settled too (merger.ts), also when both versions stay and no file changes.
  const trailer = settlementTrailer({ path, keep: choice.label, merges: open.map((v) => v.record.merge) });
  const message = `herald: settle conflict in ${path}, kept ${choice.label}\n\n${body}\n\n${trailer}`;
  // `commit -- paths` commits only these paths, never whatever else the user has staged; with
  // nothing to change, `--only --allow-empty` commits no path at all (git-commit(1)).
  const args = touched.length ? ["commit", "-q", "-m", message, "--", ...touched] : ["commit", "-q", "--only", "--allow-empty", "-m", message];
  const r = await repo.exec(args, LITERAL);
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim().split("\n").filter(Boolean).pop() ?? "";
    throw new HeraldError("GIT", `git commit failed (exit ${r.code}): ${said}${touched.length ? "; the settlement is staged but not committed (see git status)" : ""}`);
  }
  const outcome = `committed ${(await repo.head())!.slice(0, 12)}`;
  await store.markResolved(path, choice.label, new Date(), open.map((v) => v.record.merge));
  return `settled ${path}: kept ${choice.label}; ${outcome}\n`;
}
