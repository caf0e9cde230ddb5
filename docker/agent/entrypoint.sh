#!/bin/sh
# Runs the per-user daemon (`herald daemon`, the same as on any machine) as this container's main
# process. Before that it writes the HERALD_* environment into the machine settings file with
# `git config -f` (what `herald init --machine` writes, see shared/docs/interfaces.md) and puts
# the clone(s) on the daemon's list. An unset or empty variable leaves the setting as it is.
#
#   HERALD_JID       herald.jid            the agent's account, e.g. agent1@example.org
#   HERALD_SERVICE   herald.service (multi) e.g. xmpp://prosody:5222; space-separated for a cluster
#   HERALD_PUBSUB    herald.pubsub         default pubsub.<domain of HERALD_JID>
#   HERALD_PEERS     herald.peer (multi)   space-separated JIDs whose announcements are trusted
#   HERALD_ADMINS    herald.admin (multi)  space-separated JIDs whose chat commands are obeyed
#   HERALD_NODE      herald.node           the clone's node id, in its own git config (see below)
#   HERALD_TLS_CA    herald.tlsCa          a PEM file of the CA that signed the server's certificate
#                                          (e.g. /run/secrets/herald_ca), beside the system's CAs
#   HERALD_PASSWORD_FILE                   default /run/secrets/herald_password (a Docker secret);
#                                          only its path is written, never the password
#   HERALD_REPO_DIR                        the clone(s) inside the container, space-separated,
#                                          default /repo
#
# The machine file is $XDG_CONFIG_HOME/herald/config and the list $XDG_CONFIG_HOME/herald/repos
# (the Dockerfile sets XDG_CONFIG_HOME, so `docker compose exec agent herald status` finds them).
# Extra arguments are passed on to `herald daemon` (e.g. --verbose).
set -euf   # -f: no globbing of the space-separated lists

REPOS="${HERALD_REPO_DIR:-/repo}"
CONF="${XDG_CONFIG_HOME:-$HOME/.config}/herald"
MACHINE="$CONF/config"
say() { printf 'herald-entrypoint: %s\n' "$*" >&2; }

# git refuses a repository owned by another user ("dubious ownership"). The best fix is to run
# the container as the clone's owner (HERALD_UID/HERALD_GID); otherwise trust these clones, and
# only them, for the processes started from here (command-scope config, nothing written to disk).
n=0
for repo in $REPOS; do
	if [ -d "$repo" ] && [ "$(stat -c %u "$repo")" != "$(id -u)" ]; then
		say "note: $repo belongs to uid $(stat -c %u "$repo"), this container runs as uid $(id -u); set HERALD_UID to match"
		export "GIT_CONFIG_KEY_$n=safe.directory" "GIT_CONFIG_VALUE_$n=$repo"
		n=$((n + 1))
	fi
done
[ "$n" = 0 ] || export GIT_CONFIG_COUNT="$n"

for repo in $REPOS; do
	if ! git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
		say "$repo is not a git clone: mount one there (compose.yaml: HERALD_REPO=/path/to/clone)"
		exit 2
	fi
done

mkdir -p "$CONF"
machine() { git config -f "$MACHINE" "$@"; }

# A clone's own setting overrides the machine's. Earlier versions of this script wrote these keys
# into the clone; the environment is where they come from, so such a copy is dropped.
unset_in_clones() { # KEY
	for repo in $REPOS; do
		if git -C "$repo" config --local --get-all "$1" >/dev/null; then
			git -C "$repo" config --local --unset-all "$1"
			say "$repo: $1 moved to the machine settings ($MACHINE)"
		fi
	done
}

set_one() { # KEY VALUE
	[ -n "$2" ] || return 0
	machine "$1" "$2"
	unset_in_clones "$1"
}

set_many() { # KEY "space separated values": replaces every existing value of KEY
	[ -n "$2" ] || return 0
	machine --unset-all "$1" || true   # status 5: there was none
	for v in $2; do machine --add "$1" "$v"; done
	unset_in_clones "$1"
}

set_one herald.jid "${HERALD_JID:-}"
set_many herald.service "${HERALD_SERVICE:-}"   # several: a cluster's nodes, tried in turn
set_one herald.pubsub "${HERALD_PUBSUB:-}"
set_many herald.peer "${HERALD_PEERS:-}"
set_many herald.admin "${HERALD_ADMINS:-}"
set_one herald.tlsCa "${HERALD_TLS_CA:-}"

if [ -n "$(machine --get herald.jid || true)$(git -C "${REPOS%% *}" config --get herald.jid || true)" ]; then
	pw="${HERALD_PASSWORD_FILE:-/run/secrets/herald_password}"
	if [ ! -r "$pw" ]; then
		say "cannot read the password file $pw (compose.yaml secret herald_password; it must be readable by uid $(id -u))"
		exit 2
	fi
	set_one herald.passwordFile "$pw"
fi

# The node id names one clone, so it stays in the clone's config. It must stay the same across
# container re-creations and differ between machines; Herald's default (host name + hash of the
# path) is neither in a container: the host name is the container id and the path is always
# /repo. So, unless HERALD_NODE names one, a random id is chosen once and kept in the clone.
for repo in $REPOS; do
	if [ -n "${HERALD_NODE:-}" ]; then
		# Two clones cannot be one node: with several, each gets HERALD_NODE-<directory name>.
		node="$HERALD_NODE"
		[ "$REPOS" = "${REPOS%% *}" ] || node="$HERALD_NODE-$(basename "$repo")"
		git -C "$repo" config herald.node "$node"
	elif ! git -C "$repo" config --get herald.node >/dev/null; then
		node="docker-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
		git -C "$repo" config herald.node "$node"
		say "$repo: herald.node was not set; chose $node (set HERALD_NODE to pick a name)"
	fi
done

# The daemon's list: exactly the clones named above (the daemon reads it at start and follows it).
{
	echo "# Written by the container's entrypoint from HERALD_REPO_DIR at every start."
	for repo in $REPOS; do (cd "$repo" && git rev-parse --show-toplevel); done
} > "$CONF/repos.tmp"
mv "$CONF/repos.tmp" "$CONF/repos"

exec node /opt/herald/herald.mjs daemon "$@"
