#!/usr/bin/env bash
# `npm run bench`: installs what the bench compares against where it is missing (git-annex for
# the assistant's cases, Prosody for the XMPP ones, openssh-server for the WAN ones; apt-get, as
# scripts/test.sh does), builds, then runs scripts/bench.mjs with the arguments given.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
setup_all git-annex:git-annex /usr/sbin/sshd:openssh-server
exec node scripts/bench.mjs "$@"
