#!/bin/sh
# Writes the HERALD_* environment into the clone's git config (Herald's settings live there,
# see shared/docs/interfaces.md), then runs the agent in the foreground as this container's
# main process. An unset or empty variable leaves the clone's own setting as it is.
#
#   HERALD_JID       herald.jid            the agent's account, e.g. agent1@example.org
#   HERALD_SERVICE   herald.service        e.g. xmpp://prosody:5222
#   HERALD_PUBSUB    herald.pubsub         default pubsub.<domain of HERALD_JID>
#   HERALD_PEERS     herald.peer (multi)   space-separated JIDs whose announcements are trusted
#   HERALD_ADMINS    herald.admin (multi)  space-separated JIDs whose chat commands are obeyed
#   HERALD_NODE      herald.node           this clone's node id (see below)
#   HERALD_PASSWORD_FILE                   default /run/secrets/herald_password (a Docker secret);
#                                          only its path is written, never the password
#   HERALD_REPO_DIR                        the clone inside the container, default /repo
#
# Extra arguments are passed on to `herald agent` (e.g. --verbose).
set -euf   # -f: no globbing of the space-separated JID lists

REPO="${HERALD_REPO_DIR:-/repo}"
say() { printf 'herald-entrypoint: %s\n' "$*" >&2; }

if ! git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
	say "$REPO is not a git clone: mount one there (compose.yaml: HERALD_REPO=/path/to/clone)"
	exit 2
fi

# git refuses a repository owned by another user ("dubious ownership"). The best fix is to run
# the container as the clone's owner (HERALD_UID/HERALD_GID); otherwise trust /repo, and only it,
# for the processes started from here (command-scope config, nothing is written to disk).
if [ "$(stat -c %u "$REPO")" != "$(id -u)" ]; then
	say "note: $REPO belongs to uid $(stat -c %u "$REPO"), this container runs as uid $(id -u); set HERALD_UID to match"
	export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0="$REPO"
fi

cfg() { git -C "$REPO" config "$@"; }

set_one() { # KEY VALUE
	[ -n "$2" ] || return 0
	cfg "$1" "$2"
}

set_many() { # KEY "space separated values": replaces every existing value of KEY
	[ -n "$2" ] || return 0
	first=1
	for v in $2; do
		if [ "$first" = 1 ]; then
			cfg --replace-all "$1" "$v"
			first=0
		else
			cfg --add "$1" "$v"
		fi
	done
}

set_one herald.jid "${HERALD_JID:-}"
set_one herald.service "${HERALD_SERVICE:-}"
set_one herald.pubsub "${HERALD_PUBSUB:-}"
set_many herald.peer "${HERALD_PEERS:-}"
set_many herald.admin "${HERALD_ADMINS:-}"

# The node id must stay the same across container re-creations and differ between machines.
# Herald's default (host name + hash of the path) is neither in a container: the host name is
# the container id and the path is always /repo. So, unless HERALD_NODE names one, a random id
# is chosen once and kept in the clone's git config.
if [ -n "${HERALD_NODE:-}" ]; then
	cfg herald.node "$HERALD_NODE"
elif ! cfg --get herald.node >/dev/null; then
	node="docker-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
	cfg herald.node "$node"
	say "herald.node was not set; chose $node (set HERALD_NODE to pick a name)"
fi

if [ -n "$(cfg --get herald.jid || true)" ]; then
	pw="${HERALD_PASSWORD_FILE:-/run/secrets/herald_password}"
	if [ ! -r "$pw" ]; then
		say "cannot read the password file $pw (compose.yaml secret herald_password; it must be readable by uid $(id -u))"
		exit 2
	fi
	cfg herald.passwordFile "$pw"
fi

exec node /app/packages/cli/dist/bin.js agent --repo "$REPO" "$@"
