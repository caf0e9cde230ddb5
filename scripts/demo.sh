#!/usr/bin/env bash
# Installs what is missing, builds, and shows Herald syncing live on this machine (about 10 s).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
setup_all
exec node scripts/demo.mjs
