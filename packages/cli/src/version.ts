// `herald --version`: the package version and the commit it was built from, e.g. `0.1.0 (67f636e)`.
// The installable bundle has both written in at build time (scripts/pack/bundle.mjs defines the two
// constants below); a build run from dist/ reads package.json and asks git, and says `(dev)` where
// it is not inside a git checkout (a Docker image, a copied dist/).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

declare const __HERALD_VERSION__: string | undefined;
declare const __HERALD_COMMIT__: string | undefined;

function devVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  const git = spawnSync("git", ["rev-parse", "--short=7", "HEAD"], { cwd: fileURLToPath(new URL(".", import.meta.url)), encoding: "utf8" });
  const commit = git.status === 0 ? git.stdout.trim() : "dev";
  return `${pkg.version} (${commit})`;
}

export function versionText(): string {
  if (typeof __HERALD_VERSION__ === "string" && typeof __HERALD_COMMIT__ === "string") return `${__HERALD_VERSION__} (${__HERALD_COMMIT__})`;
  return devVersion();
}
