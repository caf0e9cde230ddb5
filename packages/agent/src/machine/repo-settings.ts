// What a repository's engine is built from that a person may change while Herald runs: its
// settings as parsed (the machine's under the clone's own) and whether the clone is a git-annex
// repository. Compared as one string, so the machine restarts an engine only when one of these
// changed. git-annex writes .git/config during normal work (remote.<name>.annex-uuid on first
// contact, annex.version), and so may git (fetch refspecs): none of that is in here.
import { resolve } from "node:path";
import { CONFIG_KEYS, parseConfig, parseConfigNull } from "../config.js";
import { runGit } from "../git/run-git.js";
import { mergeConfigEntries, type ConfigEntry } from "./machine-config.js";

/** The keys read: those parseConfig looks at, and annex.uuid (set by `git annex init`). */
const KEYS = `${CONFIG_KEYS}|^annex\\.uuid$`;

export interface RepoSettings {
  /** What to compare: the parsed settings and whether the clone is annexed, or the error reading them gave. */
  print: string;
  /** The clone's own herald.* and remote.* entries read for it (null: unreadable), for the engine to start with. */
  clone: ConfigEntry[] | null;
}

/**
 * Pure: what to compare, from the clone's entries (herald.*, remote.* and annex.uuid, as git
 * prints them) under the machine's. A setting that does not parse gives its error, so mending it
 * (or breaking it differently) counts as a change too.
 */
export function settingsPrint(entries: readonly ConfigEntry[], machine: readonly ConfigEntry[], dir: string): string {
  const clone = entries.filter(([k]) => k !== "annex.uuid");
  try {
    const merged = mergeConfigEntries(machine, clone);
    // The herald.* entries as written, too: a setting read outside parseConfig counts as well
    // (only people and Herald's own commands write them, never git-annex).
    return JSON.stringify({ config: parseConfig(merged, dir), herald: merged.filter(([k]) => k.startsWith("herald.")), annexed: clone.length < entries.length });
  } catch (e) {
    return JSON.stringify({ error: (e as Error).message });
  }
}

/** The settings `dir` would start with now. */
export async function readSettings(dir: string, machine: () => Promise<readonly ConfigEntry[]>): Promise<RepoSettings> {
  const r = await runGit(dir, ["config", "--null", "--get-regexp", KEYS]).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
  // Exit 1 is "no such key"; anything else (not a repository, a config git cannot read) is the error.
  if (r.code !== 0 && r.code !== 1) return { print: JSON.stringify({ error: r.stderr.trim() || `git config exited with ${r.code}` }), clone: null };
  const entries = parseConfigNull(r.stdout);
  const clone = entries.filter(([k]) => k !== "annex.uuid");
  // The machine's file unreadable is every repository's error (its message names the file).
  const print = await machine().then((m) => settingsPrint(entries, m, dir), (e: Error) => JSON.stringify({ error: e.message }));
  return { print, clone };
}

/** The directory that holds the clone's config (a linked worktree's is the main one's); null when `dir` is no clone. */
export async function configDirOf(dir: string): Promise<string | null> {
  const r = await runGit(dir, ["rev-parse", "--git-common-dir"]).catch(() => null);
  const out = r?.code === 0 ? r.stdout.trim() : "";
  return out ? resolve(dir, out) : null;
}

/** The names in that directory whose change may change the settings: git's config, and the annex directory `git annex init` makes. */
export const CLONE_CONFIG_NAMES: ReadonlySet<string> = new Set(["config", "annex"]);
