#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. The last line is "N passed, N failed".
#   ./scripts/test.sh                 # everything
#   ./scripts/test.sh --selectProjects unit      # any jest arguments pass through
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
# sendxmpp and go-sendxmpp: third-party clients the chat tests drive as a person would.
# ejabberd: the signaling flows run against it too (they skip, saying why, where it is absent).
# chromium: the dashboard's tests drive the system's browser (never a downloaded one).
# git-annex: annexed content travels along the plan (packages/agent/src/content/).
# faketime (libfaketime) and python3-slixmpp: the chaos test's clock an hour off and its hostile
# third-party client (scripts/chaos/). zsh: `herald completion zsh` is tested in a real zsh.
# openssh-server: ssh:// remotes against a real sshd per test run (testkit sshd.ts); named by its
# absolute path, as /usr/sbin is often not on a non-root PATH (a system sshd it may try to start is
# not used).
setup_all sendxmpp:sendxmpp go-sendxmpp:go-sendxmpp ejabberdctl:ejabberd chromium:chromium git-annex:git-annex faketime:faketime zsh:zsh /usr/sbin/sshd:openssh-server
apt_python_module slixmpp:python3-slixmpp
npx --no-install tsc -p tsconfig.test.json >&2
# The bench's typed JavaScript (// @ts-check), apart: ts-jest compiles the tests with tsconfig.test.json.
npx --no-install tsc -p tsconfig.scripts.json >&2
exec node scripts/run-jest.mjs "$@"
