-- Prosody 0.12 for Herald (docker/compose.yaml mounts this file at /etc/prosody/prosody.cfg.lua).
--
-- Production defaults: STARTTLS required on every client connection, no plaintext
-- authentication, no in-band registration, no federation (s2s) and no HTTP.
-- Check it with:  docker compose exec prosody prosodyctl check config
--
-- Two values come from the environment (compose.yaml sets them on the prosody service);
-- Prosody 0.12 exposes any environment variable to this file as ENV_<NAME>:
--   HERALD_DOMAIN         the XMPP domain, e.g. example.org (accounts are user@HERALD_DOMAIN)
--   HERALD_PUBSUB_ADMINS  the agent accounts, separated by spaces: they administer the pubsub
--                         component, which is what allows them to create the per-repository nodes.
-- You may just as well write the values here instead.

local function words(s)
	local list = {}
	for w in (s or ""):gmatch("[^%s,;]+") do list[#list + 1] = w end
	return list
end

local domain = ENV_HERALD_DOMAIN or "example.org"

-- The agent accounts (herald.jid of every clone). Each needs an account on this server too:
--   docker compose exec prosody prosodyctl register agent1 example.org PASSWORD
-- Ordinary users of a Prosody pubsub component may not create nodes; the accounts listed here
-- get the 'owner' affiliation on the whole component, so an agent can create its repository's
-- node the first time it runs. List ONLY agent accounts (they can also delete any node).
local herald_agents = words(ENV_HERALD_PUBSUB_ADMINS or ("agent1@" .. domain .. " agent2@" .. domain))

---------- Server-wide settings ----------

-- Paths inside the container (Debian package layout). compose.yaml keeps data_path and the
-- certificates directory on named volumes, so accounts, nodes, items and certificates survive
-- a rebuild.
data_path    = "/var/lib/prosody"
pidfile      = "/run/prosody/prosody.pid"   -- lets `prosodyctl reload` find the server
plugin_paths = { }                          -- only the modules shipped with Prosody

-- TLS certificates: Prosody looks here for <domain>.crt + <domain>.key, or for the
-- <domain>/fullchain.pem + <domain>/privkey.pem that `prosodyctl --root cert import` writes
-- (docker/README.md, "A real TLS certificate"). Relative to this file: /etc/prosody/certs.
certificates = "certs"

-- Console logging: `docker compose logs prosody`.
log = { { levels = { min = ENV_HERALD_LOG_LEVEL or "info" }, to = "console" } }

-- Network: clients on 5222 (STARTTLS). No Direct TLS, no HTTP.
c2s_ports            = { 5222 }
c2s_direct_tls_ports = { }
http_ports           = { }
https_ports          = { }

-- Federation is off: Herald needs only one server. To federate with other servers, remove
-- "s2s" from modules_disabled, publish port 5269 and add the DNS SRV records
-- (docker/README.md, "Several servers"). Certificates are then mandatory on both sides.
s2s_ports              = { 5269 }
s2s_require_encryption = true
s2s_secure_auth        = true
modules_disabled       = { "s2s" }

modules_enabled = {
	"roster";       -- rosters, so people can chat with the agents (herald.admin commands)
	"saslauth";     -- authentication
	"tls";          -- STARTTLS
	"disco";        -- service discovery (finds pubsub.<domain>)
	"ping";         -- XEP-0199
	"time";         -- XEP-0202: herald doctor compares the machine's clock with the server's
	"limits";       -- rate-limit what clients send
	"admin_shell";  -- `prosodyctl shell` inside the container
	-- Not enabled: "smacks" (stream management). The agent catches up by reading the node's
	-- items after every reconnect instead, which is what its tests exercise.
}

-- Security: encryption required, no plaintext passwords, no self-service accounts.
c2s_require_encryption       = true
allow_unencrypted_plain_auth = false
allow_registration           = false
authentication               = "internal_hashed"

-- Announcements are small; this bounds what one client can push at the server.
limits = {
	c2s = { rate = "10kb/s"; burst = "2s" };
}

-- Accounts, rosters and pubsub nodes/items as flat files under data_path.
storage = "internal"

----------- Virtual host -----------

VirtualHost (domain)

----------- Pubsub service for Herald -----------
-- pubsub.<domain>: one node per repository, created by the first agent that needs it.

Component ("pubsub." .. domain) "pubsub"
	admins           = herald_agents
	-- Items carry the publisher's JID, set by the server and not by the sender. The agent checks
	-- it against herald.peer, so this option is required.
	expose_publisher = true
	-- Upper bound for a node's pubsub#max_items (the agent asks for 64, one item per branch).
	pubsub_max_items = 256
