// Machine settings, $XDG_CONFIG_HOME/herald/config, in git-config syntax: the account, server and
// limits that every clone on this machine shares, so `herald add` needs no per-clone setup. A
// clone's own git config overrides them key by key (interfaces.md).
import { resolve } from "node:path";
import { parseConfigNull } from "../config.js";
import { ConfigError } from "../errors.js";
import { runGit } from "../git/run-git.js";

export type ConfigEntry = [key: string, value: string];

/**
 * The keys (as git prints them: lowercase) that describe the machine rather than one clone.
 * herald.node, herald.repo, herald.autocommit, herald.hook and remote.* name a clone's identity or
 * behaviour: set once for the machine they would make every clone the same node, or commit in all.
 */
export const MACHINE_KEYS: ReadonlySet<string> = new Set([
  "herald.jid", "herald.passwordfile", "herald.service", "herald.pubsub", "herald.tlsca", "herald.peer", "herald.admin",
  "herald.allowinsecure", "herald.retryinterval", "herald.maxconcurrenttransfers", "herald.maxtransfersperminute",
  "herald.maxbytespersecond", "herald.sshcaching", "herald.networktimeout", "herald.verify", "herald.allowedsigners", "herald.allowedopenpgpkeys",
  "herald.webport", "herald.webhost", "herald.webtlscert", "herald.webtlskey",
]);

/** The file's herald.* entries in file order; a missing file has none. */
export async function readMachineEntries(file: string): Promise<ConfigEntry[]> {
  const path = resolve(file);
  // cwd "/": the file alone is read, whichever clone the caller happens to stand in.
  const r = await runGit("/", ["config", "--file", path, "--null", "--get-regexp", "^herald\\."]);
  // Exit 1 is "nothing matched", which is also what git says for a missing file.
  if (r.code === 0 || (r.code === 1 && r.stderr.trim() === "")) return parseConfigNull(r.stdout);
  // "fatal: bad config line 3 in file /path": the file is named once, in front.
  const said = (r.stderr.trim().split("\n").pop() ?? "").replace(/^(fatal|error|warning): /, "").replace(` in file ${path}`, "");
  throw new ConfigError(path, said || `git config exited with ${r.code}`);
}

/** Keys the machine file sets that only a clone may set (the daemon warns and ignores them). */
export function unknownMachineKeys(entries: readonly ConfigEntry[]): string[] {
  return [...new Set(entries.map(([k]) => k).filter((k) => !MACHINE_KEYS.has(k)))];
}

/**
 * What parseConfig should read for a clone: the machine's entries, then the clone's. A key the
 * clone sets drops every machine value of it, so a clone's herald.peer list replaces the machine's
 * instead of adding to it; for single-valued keys parseConfig takes the last value anyway.
 */
export function mergeConfigEntries(machine: readonly ConfigEntry[], clone: readonly ConfigEntry[]): ConfigEntry[] {
  const cloneKeys = new Set(clone.map(([k]) => k));
  const kept = machine.filter(([k]) => MACHINE_KEYS.has(k) && !cloneKeys.has(k));
  return [...kept, ...clone];
}
