#!/usr/bin/env bash
# Writes the installable tarball pack/herald-VERSION.tgz: the `herald` command as one bundled file
# with no dependencies (scripts/pack/bundle.mjs). Install it on any machine with Node >= 20.19:
#   npm install -g pack/herald-*.tgz              # or --prefix DIR: then DIR/bin/herald
# Prints the tarball's path as its last line.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$(dirname "$0")/.."
need_node
need_npm_packages
build
node scripts/pack/bundle.mjs pack/stage >&2
rm -f pack/herald-*.tgz
tarball=$(npm pack --silent --pack-destination pack ./pack/stage | tail -n 1)
echo "$(pwd)/pack/$tarball"
