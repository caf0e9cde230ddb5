// git-annex for the content tests: whether it is installed (tests skip with a printed reason
// when it is not), and whether a repository holds a key's content.
import { execFileSync } from "node:child_process";
import { git } from "./git-sandbox.js";

/** Synchronous, so a test file can choose `describe` or `describe.skip` when it loads. */
export function gitAnnexInstalled(): boolean {
  try {
    execFileSync("git-annex", ["version", "--raw"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether `dir` (a clone or a bare repository) holds the content of `key`. */
export function hasContent(dir: string, key: string): Promise<boolean> {
  return git(dir, "annex", "contentlocation", key).then(() => true, () => false);
}
