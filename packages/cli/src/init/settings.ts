// What `herald init` writes: the settings given on the command line (or answered at the prompt),
// validated exactly as the agent will read them (parseConfig over the would-be config), and the
// `git config` commands that write them.
import { access, constants, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError, parseConfig, readTlsCa, type AgentConfig, type GitRepo } from "@herald/agent";

export interface InitValues {
  jid?: string;
  passwordFile?: string;
  service?: string;
  pubsub?: string;
  tlsCa?: string;
  node?: string;
  peers?: string[];
  admins?: string[];
  verify?: string;
  allowedSigners?: string;
  allowedOpenpgpKeys?: string;
}

/** git config key per value; git itself is case-insensitive, parseConfig expects lowercase. */
const KEYS: Record<keyof InitValues, string> = {
  jid: "herald.jid", passwordFile: "herald.passwordFile", service: "herald.service", pubsub: "herald.pubsub", tlsCa: "herald.tlsCa",
  node: "herald.node", peers: "herald.peer", admins: "herald.admin", verify: "herald.verify", allowedSigners: "herald.allowedSigners",
  allowedOpenpgpKeys: "herald.allowedOpenpgpKeys",
};

export type Entry = [key: string, value: string];

/** The value a setting has now (the last one wins, as in git). */
export function current(entries: Entry[], key: keyof InitValues): string | undefined {
  return entries.filter(([k]) => k === KEYS[key].toLowerCase()).pop()?.[1];
}

/** The new entries: written keys replace every existing value of that key (--replace-all). */
function merged(entries: Entry[], v: InitValues): Entry[] {
  const writes = toWrite(v);
  const replaced = new Set(writes.map(([k]) => k.toLowerCase()));
  return [...entries.filter(([k]) => !replaced.has(k)), ...writes.map(([k, val]): Entry => [k.toLowerCase(), val])];
}

function toWrite(v: InitValues): Entry[] {
  const out: Entry[] = [];
  for (const key of Object.keys(KEYS) as Array<keyof InitValues>) {
    const value = v[key];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.push([KEYS[key], one]);
  }
  return out;
}

/**
 * Validates the would-be config; a bad value throws ConfigError naming its key (exit 2). The
 * password file is made absolute (the agent reads it from wherever it was started) and must be
 * readable: the agent would refuse to start otherwise.
 */
export async function validate(repo: GitRepo, entries: Entry[], v: InitValues): Promise<{ values: InitValues; config: AgentConfig }> {
  const values = {
    ...v,
    ...(v.passwordFile !== undefined ? { passwordFile: resolve(v.passwordFile) } : {}),
    ...(v.tlsCa !== undefined ? { tlsCa: resolve(v.tlsCa) } : {}),
    ...(v.allowedSigners !== undefined ? { allowedSigners: resolve(v.allowedSigners) } : {}),
    ...(v.allowedOpenpgpKeys !== undefined ? { allowedOpenpgpKeys: resolve(v.allowedOpenpgpKeys) } : {}),
  };
  const config = parseConfig(merged(entries, values), repo.dir);
  if (config.pubsub !== undefined && !/^[^@/\s]+$/.test(config.pubsub)) {
    throw new ConfigError("herald.pubsub", `${JSON.stringify(config.pubsub)} is not a service JID such as pubsub.example.org`);
  }
  // The password file, and the files every peer's commit is checked against (unreadable, they
  // would refuse them all): the agent would not get far without them.
  for (const [key, file] of [["herald.passwordFile", values.passwordFile], ["herald.allowedSigners", values.allowedSigners], ["herald.allowedOpenpgpKeys", values.allowedOpenpgpKeys]] as const) {
    if (file === undefined) continue;
    const why = await access(file, constants.R_OK).then(async () => ((await stat(file)).isFile() ? null : "not a file"), (e: NodeJS.ErrnoException) => e.code ?? e.message);
    if (why) throw new ConfigError(key, `cannot read ${file}: ${why}`);
  }
  // A readable PEM file with at least one certificate, or the agent could not log in.
  if (values.tlsCa !== undefined) readTlsCa(values.tlsCa);
  return { values, config };
}

/** `git config` argument lists; a multi-valued key is replaced whole, then added to. */
export function configCommands(v: InitValues): string[][] {
  const cmds: string[][] = [];
  const seen = new Set<string>();
  for (const [key, value] of toWrite(v)) {
    const multi = key === KEYS.peers || key === KEYS.admins;
    if (!multi) cmds.push(["config", key, value]);
    else cmds.push(seen.has(key) ? ["config", "--add", key, value] : ["config", "--replace-all", key, value]);
    seen.add(key);
  }
  return cmds;
}

/** Quoted for a POSIX shell, so a printed command can be copied and run as it is. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

