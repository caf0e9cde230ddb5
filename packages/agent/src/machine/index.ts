// The per-user daemon's files: where they live, the repository list, the machine settings.
export { configDir, controlSocketPath, daemonLogFile, ensurePrivateDir, machineConfigFile, reposFile, runtimeDir, type Env } from "./paths.js";
export {
  addRepo, formatRepoList, parseRepoList, readRepoList, removeRepo, RepoListWatcher, withRepoAdded, withRepoRemoved, type RepoList,
} from "./repo-list.js";
export { MACHINE_KEYS, mergeConfigEntries, readMachineEntries, unknownMachineKeys, type ConfigEntry } from "./machine-config.js";
