# Sourced by demo.sh, test.sh and bench.sh: install what is missing, quickly when nothing is.
# Debian/Ubuntu with Node 20. apt-get runs as root or through passwordless sudo; otherwise we
# say exactly what to install and stop.

say() { printf 'herald-setup: %s\n' "$*" >&2; }

need_node() {
  command -v node >/dev/null || { say "Node.js 20 (>= 20.19) is required: https://nodejs.org or apt-get install nodejs"; exit 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || { say "Node.js >= 20.19 is required (found $(node --version))"; exit 1; }
}

# apt_install CMD:PKG ...  installs PKG for every CMD not on PATH (CMD may be an absolute path).
apt_install() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
    else say "missing: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"; exit 1; fi
  fi
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  } || { say "apt-get install ${missing[*]} failed"; exit 1; }
  # The Debian package may start a system-wide Prosody on 5222, openssh-server an sshd on 22; ours
  # use their own ports, so leave them.
}

# apt_python_module MODULE:PKG ...  installs PKG for every module Debian's /usr/bin/python3 cannot
# import (a module is no command, so apt_install is handed a name that is never on PATH).
apt_python_module() {
  local pair
  for pair in "$@"; do
    /usr/bin/python3 -c "import ${pair%%:*}" 2>/dev/null || apt_install "herald-needs-python3-${pair%%:*}:${pair#*:}"
  done
}

need_npm_packages() {
  # npm ci when node_modules is absent or older than the lockfile.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

build() {
  npx --no-install tsc -b >&2
}

setup_all() {
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
  need_node
  apt_install git:git openssl:openssl prosody:prosody prosodyctl:prosody "$@"
  # Federated test servers (testkit federation.ts) resolve their .test domains through Prosody's
  # libunbound resolver; lua-unbound is a Recommends of prosody, so an install without them lacks it.
  # It has no command of its own: the pair names one that never exists, so apt_install acts.
  lua5.4 -e 'require "lunbound"' 2>/dev/null || apt_install "lua-unbound-missing:lua-unbound"
  need_npm_packages
  build
}
