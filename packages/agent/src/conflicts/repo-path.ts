// Pure: is this a path git could name inside a working tree? The merge driver writes files next
// to %P, so a hostile or mistaken path must never lead it outside the clone or into .git.
import { HeraldError } from "../errors.js";

/** Returns `path` unchanged if safe; throws HeraldError USAGE (the CLI exits 2, the web answers 400) saying what is wrong otherwise. */
export function checkRepoPath(path: string): string {
  const bad = (why: string) => new HeraldError("USAGE", `path ${JSON.stringify(path)} ${why}; expected a path relative to the repository (git's %P)`);
  if (path === "") throw bad("is empty");
  if (path.includes("\0")) throw bad("contains a NUL byte");
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\")) throw bad("is absolute");
  const segments = path.split(/[\\/]/);
  if (segments.includes("..")) throw bad('contains ".."');
  if (segments.some((s) => s === "" || s === ".")) throw bad("is not in git's normal form");
  // Any level (a nested clone's .git holds hooks too); case-insensitive, as on macOS and Windows.
  // git itself refuses to track such paths (verify_path), so no real %P looks like this.
  if (segments.some((s) => s.toLowerCase() === ".git")) throw bad("is inside .git");
  return path;
}
