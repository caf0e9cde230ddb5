// @herald/agent: keeps a git clone in sync with its peers. Re-exports only.
export { Agent, type AgentOptions } from "./agent.js";
export { RepoEngine, type EngineOptions, type RemoteSyncReport } from "./engine/engine.js";
export { Machine } from "./machine/machine.js";
export type { MachineStatus } from "./machine/control-handlers.js";
export { AgentEmitter, type AgentEvents, type AgentEventName } from "./agent-events.js";
export { defaultNodeId, parseConfig, readConfigEntries, type AgentConfig, type RemoteConfig } from "./config.js";
export { parseDuration, formatDuration } from "./duration.js";
export { ConfigError, GitCommandError, HeraldError, PushRejectedError, XmppStanzaError } from "./errors.js";
export { GitRepo } from "./git/repo.js";
export { variantFileName, isVariantFileName, variantOriginal } from "./git/variant-file-name.js";
export { keeperOf, type ResolvedConflict, type ConflictKind } from "./git/keep-both.js";
export { ConflictStore, type ConflictRecord } from "./sync/conflict-store.js";
export { parseSettlementTrailer, settlementTrailer, type Settlement } from "./git/conflict-trailer.js";
export { createLogger, formatHuman, silentLogger, type Logger, type LogRecord, type Level } from "./log.js";
export { Session, type SessionOptions } from "./xmpp/session.js";
export { PubsubNode, eventItems, ANNOUNCE_NODE_CONFIG, type PubsubItem } from "./xmpp/pubsub-node.js";
export { CONTROL_COMMANDS, type ControlCommand, type ControlReply, type ControlRequest } from "./control/protocol.js";
export { secondsLeft, type TransferRecord } from "./content/transfer-records.js";
export { IGNORED, presenceText, statusLine, statusText, type AgentStatus } from "./status.js";
export { PUBLISHER_FIX, serverStampsPublisher } from "./xmpp/publisher-probe.js";
export { loginFailure, withLogin, within } from "./xmpp/login-once.js";
export { readTlsCa } from "./xmpp/tls-trust.js";
export { runDoctor, type DoctorOptions } from "./doctor/doctor.js";
export { report as doctorReport, type Check } from "./doctor/judge.js";
export { RepoChannel, type SignalingStats } from "./xmpp/repo-channel.js";
export { Daemon, type DaemonOptions } from "./daemon.js";
export { apiKeyFile } from "./web/api-key.js";
export { DEFAULT_WEB_PORT } from "./web/settings.js";
export type { WebEvent } from "./machine/event-log.js";
// The per-user daemon's files (machine/): paths, repository list, machine settings.
export {
  configDir, controlSocketPath, daemonLogFile, ensurePrivateDir, machineConfigFile, reposFile, runtimeDir, type Env,
  addRepo, formatRepoList, parseRepoList, readRepoList, removeRepo, RepoListWatcher, withRepoAdded, withRepoRemoved, type RepoList,
  MACHINE_KEYS, mergeConfigEntries, readMachineEntries, unknownMachineKeys, type ConfigEntry,
} from "./machine/index.js";
export {
  checkRepoPath, cloneOf, conflictsFor, currentFiles, formatList, KEEP_WORDS, listConflicts, loadConflicts, openClone, pathCandidates, resolveConflict, showConflict, SideCache,
  type Clone, type ConflictState, type ConflictView, type ListedConflict, type ListedVariant,
} from "./conflicts/index.js";
export { addPeer, grantPeers, PRIVATE_NODE_CONFIG, type AddPeerOptions, type AddPeerResult } from "./xmpp/peer-grant.js";
export { verifyClone, type CloneVerification } from "./verify/verify-clone.js";
export { keyFiles, refusalText, type Refusal, type RefusalReason, type VerifySettings } from "./verify/verify-policy.js";
