#!/usr/bin/env node
// Builds the installable `herald` package into DIR (default pack/stage): one ESM file holding the
// CLI and every runtime dependency, and a package.json with no dependencies, so that
// `npm install -g` needs nothing but the tarball and Node, and start-up reads one file instead of
// hundreds. Run after `tsc -b` (it bundles packages/cli/dist/bin.js); scripts/pack.sh does both.
//   node scripts/pack/bundle.mjs [DIR]
import { execFileSync } from "node:child_process";
import { builtinModules, createRequire } from "node:module";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = resolve(process.argv[2] ?? join(root, "pack", "stage"));
const cli = JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8"));
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

// The commit this was built from; "-dirty" when tracked files differ from it, so a version
// never names a commit that does not hold the code. HERALD_COMMIT names it where there is no git
// checkout (a Docker build context); failing both, "dev".
function commitOf() {
  try {
    return git("rev-parse", "--short=7", "HEAD") + (git("status", "--porcelain", "--untracked-files=no") ? "-dirty" : "");
  } catch {
    return "dev";
  }
}
const commit = process.env.HERALD_COMMIT || commitOf();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(root, "packages/cli/dist/bin.js")],
  outfile: join(out, "herald.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  // Bundled CommonJS modules (simple-git, proper-lockfile, debug...) call require() for Node's
  // built-ins; an ES module has no require, so give them one.
  banner: { js: 'import { createRequire as __heraldCreateRequire } from "node:module";\nconst require = __heraldCreateRequire(import.meta.url);' },
  define: { __HERALD_VERSION__: JSON.stringify(cli.version), __HERALD_COMMIT__: JSON.stringify(commit) },
  legalComments: "inline",
  logLevel: "warning",
  metafile: true,
});
const external = Object.values(result.metafile.outputs)[0].imports
  .filter((i) => i.external && !i.path.startsWith("node:") && !builtinModules.includes(i.path.split("/")[0]));
if (external.length) throw new Error(`left outside the bundle: ${external.map((i) => i.path).join(", ")}`);

writeFileSync(join(out, "package.json"), `${JSON.stringify({
  name: "herald",
  version: cli.version,
  description: "Keeps git clones in sync: commits are pushed to peers as they are made, announced over XMPP",
  license: "MIT",
  type: "module",
  bin: { herald: "herald.mjs" },
  engines: { node: ">=20.19" },
  files: ["herald.mjs", "web", "man"],
  // npm links it into PREFIX/share/man/man1 on a global install: `man herald` works.
  man: ["./man/herald.1"],
  // Everything is in herald.mjs: nothing to fetch at install time.
  dependencies: {},
}, null, 2)}\n`);
copyFileSync(join(root, "README.md"), join(out, "README.md"));
// herald(1), generated from the CLI's definitions by scripts/gen-cli-docs.mjs.
mkdirSync(join(out, "man"));
copyFileSync(join(root, "packages/cli/man/herald.1"), join(out, "man", "herald.1"));
// The dashboard's page and the layout libraries it loads, which the server finds beside
// herald.mjs once there is no node_modules (packages/agent/src/web/server.ts).
const web = join(root, "packages/agent/web");
mkdirSync(join(out, "web", "vendor"), { recursive: true });
for (const f of readdirSync(web)) copyFileSync(join(web, f), join(out, "web", f));
const { VENDOR_FILES } = await import(join(root, "packages/agent/dist/web/server.js"));
const requireFromAgent = createRequire(join(root, "packages/agent/package.json"));
for (const [name, spec] of Object.entries(VENDOR_FILES)) copyFileSync(requireFromAgent.resolve(spec), join(out, "web", "vendor", name));
process.stdout.write(`${join(out, "herald.mjs")}: ${cli.version} (${commit})\n`);
