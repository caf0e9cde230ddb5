export { startXmppServer, prosodyInstalled } from "./xmpp-server.js";
export type { Account, XmppServer, StartXmppServerOptions } from "./xmpp-server.js";
export { startEjabberdServer, ejabberdInstalled, ejabberdConfig } from "./ejabberd-server.js";
export type { StartEjabberdServerOptions, EjabberdConfigOptions } from "./ejabberd-server.js";
export { prosodyConfig } from "./prosody-config.js";
export type { ProsodyConfigOptions } from "./prosody-config.js";
export { freePort, portOpen } from "./ports.js";
export { commitFile, git, head, makeSandbox, waitFor } from "./git-sandbox.js";
export type { Sandbox, Topology } from "./git-sandbox.js";
